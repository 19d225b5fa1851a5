// backup: `tswatch backup --once` beside `rsync -a` and `cp -a` on one tree, on a disk filesystem (not
// tmpfs: copy_file_range and reflinks are what is measured), SRC and DEST on the same one. Each round
// copies into a fresh DEST (page cache warm: SRC is read once before), then re-syncs the unchanged tree.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ROOT } from '../build.mjs';
import { fmt } from './common.mjs';

const TSWATCH = join(ROOT, 'bin', 'tswatch.js');
const PER_DIR = 100;

/** The commands compared; `noop` is false where a second run is not a re-sync (cp copies everything again). */
const TOOLS = [
  { name: 'tswatch', argv: (src, dest) => [process.execPath, TSWATCH, 'backup', '--once', src, dest], noop: true },
  { name: 'rsync -a', argv: (src, dest) => ['rsync', '-a', `${src}/`, `${dest}/`], noop: true },
  { name: 'cp -a', argv: (src, dest) => ['cp', '-a', src, dest], noop: false },
];

/** `files` files of equal size, `mib` MiB in all, PER_DIR to a directory, content that does not repeat within a file. */
function makeTree(dir, files, mib) {
  const size = Math.floor((mib * 1048576) / files);
  const pool = randomBytes(size + 65536);
  for (let i = 0; i < files; i++) {
    const d = join(dir, `d${Math.floor(i / PER_DIR)}`);
    if (i % PER_DIR === 0) mkdirSync(d, { recursive: true });
    writeFileSync(join(d, `f${i}.bin`), pool.subarray(i % 65536, (i % 65536) + size));
  }
}

/** Files and bytes under dir (tswatch's own .tswatch-* entries aside): a copy that lost something shows here. */
function census(dir) {
  let files = 0;
  let bytes = 0;
  for (const d of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (d.name.startsWith('.tswatch-') || !d.isFile()) continue;
    files++;
    bytes += statSync(join(d.parentPath ?? d.path, d.name)).size;
  }
  return { files, bytes };
}

/** Wall time (s), CPU (user + system, s) and peak RSS (MiB) of one command, by GNU time. */
function measure(argv) {
  const out = join(tmpdir(), `tswatch-bench-time-${process.pid}`);
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-o', out, '-f', '%U %S %M', ...argv], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const wall = (performance.now() - t) / 1000;
  if (r.error || r.status !== 0)
    throw new Error(`${argv.slice(0, 2).join(' ')} exited ${r.status}: ${(r.stderr ?? r.error?.message ?? '').slice(-300)}`);
  const [user, sys, kb] = readFileSync(out, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
  rmSync(out, { force: true });
  return { wall, cpu: user + sys, rss: kb / 1024 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function fsType(dir) {
  const r = spawnSync('df', ['--output=fstype', dir], { encoding: 'utf8' }); // stat -f says ext2/ext3 for ext4
  return r.stdout?.trim().split('\n').at(-1) || '?';
}

/** `base`: where SRC and DEST go (default: the OS temp dir, a disk here; /dev/shm would be tmpfs). */
export function backup(files, mib, rounds, base = tmpdir()) {
  return {
    id: 'backup',
    family: 'backup',
    ref: 'rsync -a',
    title: `backup: initial sync of ${files.toLocaleString('en')} files, ${mib} MiB, then a no-op re-sync (${fsType(base)}, same filesystem, warm cache, median of ${rounds})`,
    columns: [
      ['wall', 'initial sync s', fmt.s, 'ratio'],
      ['cpu', 'CPU s (user+sys)', fmt.s, 'ratio'],
      ['rss', 'peak RSS MiB', fmt.mb, 'ratio'],
      ['noop', 'no-op re-sync s', fmt.s, 'ratio'],
      ['noopRss', 'no-op peak RSS MiB', fmt.mb],
      ['same', 'DEST = SRC', fmt.str],
    ],
    /** Every tool in one run, rounds interleaved so a busy machine weighs on all alike. */
    async runAll() {
      const root = mkdtempSync(join(base, 'tswatch-bench-backup-'));
      try {
        const src = join(root, 'src');
        makeTree(src, files, mib);
        const want = census(src); // also reads SRC into the page cache
        const runs = new Map(TOOLS.map((t) => [t.name, { wall: [], cpu: [], rss: [], noop: [], noopRss: [], same: 'yes' }]));
        for (let r = 0; r < rounds; r++) {
          for (const tool of TOOLS) {
            const m = runs.get(tool.name);
            if (m.error) continue;
            try {
              const dest = join(root, 'dest');
              rmSync(dest, { recursive: true, force: true });
              spawnSync('sync'); // the last round's writeback is not billed to this one
              const first = measure(tool.argv(src, dest));
              m.wall.push(first.wall);
              m.cpu.push(first.cpu);
              m.rss.push(first.rss);
              const got = census(dest);
              if (got.files !== want.files || got.bytes !== want.bytes) m.same = `no: ${got.files} files, ${got.bytes} bytes`;
              if (tool.noop) {
                const again = measure(tool.argv(src, dest));
                m.noop.push(again.wall);
                m.noopRss.push(again.rss);
              }
            } catch (e) {
              m.error = `failed: ${String(e.message).split('\n')[0]}`;
            }
          }
        }
        return TOOLS.map((t) => {
          const m = runs.get(t.name);
          if (m.error) return { subject: t.name, error: m.error };
          const med = (k) => (m[k].length ? median(m[k]) : undefined);
          return {
            subject: t.name,
            result: { wall: med('wall'), cpu: med('cpu'), rss: med('rss'), noop: med('noop'), noopRss: med('noopRss'), same: m.same },
          };
        });
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}
