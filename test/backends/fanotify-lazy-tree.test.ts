import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FanotifyBackend } from '../../src/backends/fanotify.js';
import { fanotifyProblem } from '../../src/backends/fanotify-support.js';
import { InotifyBackend } from '../../src/backends/inotify.js';
import { type Backend, type Event, IN_CREATE, IN_ISDIR, IN_OPEN, Notifier, WatchManager } from '../../src/index.js';
import { spawnTswatch } from '../helpers/spawn-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

// A recursive watch on fanotify learns its tree from the events that name its directories: it reads
// and watches only the top, whatever the tree holds, and still says where each event happened.
const TIMEOUT = 20_000;
const skip = fanotifyProblem()?.reason;

/** A tree of `n` directories in `width`-wide levels below `root`: d0/d0, d0/d1, ... */
function bigTree(root: string, n: number, width = 10): string[] {
  const dirs: string[] = [];
  for (let i = 0; dirs.length < n; i++) {
    const parent = i === 0 ? root : dirs[i - 1]!;
    for (let j = 0; j < width && dirs.length < n; j++) dirs.push(join(parent, `d${j}`));
    if (i > dirs.length) break;
  }
  for (const dir of dirs) mkdirSync(dir, { recursive: true });
  return dirs;
}

function watchTree(t: { after(fn: () => void): void }, backend: Backend, root: string, mask = 0xfff) {
  const wm = new WatchManager({ backend });
  const events: Event[] = [];
  const notifier = new Notifier(wm, (e) => void events.push(e));
  notifier.on('error', (err: Error) => assert.fail(err));
  const wds = wm.addWatch(root, mask, { rec: true, autoAdd: true, quiet: false });
  notifier.start();
  t.after(() => notifier.stop());
  const lines = () => events.map((e) => `${e.maskname} ${e.pathname}`);
  const has = (line: string) => lines().includes(line);
  return {
    wm,
    wds,
    stop: () => notifier.stop(),
    events,
    lines,
    until: (line: string) =>
      waitFor(
        () => has(line),
        () => `${line}; have:\n  ${lines().join('\n  ')}`,
        TIMEOUT,
      ),
  };
}

test('fanotify -r: only the top of a big tree is read and watched; a directory is met when an event names it', { skip }, async (t) => {
  const root = tmpDir();
  const dirs = bigTree(root, 300);
  const w = watchTree(t, new FanotifyBackend(), root);
  assert.deepEqual(Object.keys(w.wds), [root], 'one watch: the top');
  assert.equal(w.wm.size, 1);
  // Never met: a chmod of a deep directory, then a write in it, each with its path.
  const deep = dirs.at(-1)!;
  chmodSync(deep, 0o700);
  writeFileSync(join(deep, 'f'), 'x');
  await w.until(`IN_ATTRIB|IN_ISDIR ${deep}`);
  await w.until(`IN_CLOSE_WRITE ${join(deep, 'f')}`);
  // Met: that directory and those above it, no other.
  const met = [...w.wm.watches()].map((x) => x.path).sort();
  assert.ok(met.length < 10, `only the way down was met: ${met.join(' ')}`);
  assert.ok(met.every((p) => deep === p || deep.startsWith(`${p}/`)));
});

test('fanotify -r: an event comes with where its directory was then, moved or deleted in the same read', { skip }, async (t) => {
  const root = tmpDir();
  mkdirSync(join(root, 'sub', 'deep'), { recursive: true });
  mkdirSync(join(root, 'gone'));
  writeFileSync(join(root, 'sub', 'deep', 'old'), '');
  writeFileSync(join(root, 'gone', 'f'), '');
  const w = watchTree(t, new FanotifyBackend(), root);
  // Nothing read meanwhile: by the time these are read, deep is elsewhere and gone is no more.
  w.wm.backend.pause();
  appendFileSync(join(root, 'sub', 'deep', 'old'), 'y');
  renameSync(join(root, 'sub', 'deep'), join(root, 'moved'));
  rmSync(join(root, 'gone'), { recursive: true });
  w.wm.backend.resume();
  await w.until(`IN_DELETE|IN_ISDIR ${join(root, 'gone')}`);
  const seen = w.lines().filter((l) => !l.includes('IN_OPEN') && !l.includes('IN_ACCESS') && !l.includes('IN_CLOSE_NOWRITE'));
  assert.deepEqual(seen, [
    `IN_MODIFY ${join(root, 'sub', 'deep', 'old')}`,
    `IN_CLOSE_WRITE ${join(root, 'sub', 'deep', 'old')}`,
    `IN_MOVED_FROM|IN_ISDIR ${join(root, 'sub', 'deep')}`,
    `IN_MOVED_TO|IN_ISDIR ${join(root, 'moved')}`,
    `IN_MOVE_SELF ${join(root, 'moved')}`,
    `IN_DELETE ${join(root, 'gone', 'f')}`,
    `IN_DELETE_SELF ${join(root, 'gone')}`,
    `IN_IGNORED ${join(root, 'gone')}`,
    `IN_DELETE|IN_ISDIR ${join(root, 'gone')}`,
  ]);
});

test('tswatch --backend fanotify -r: ready without reading the directories below the top', { skip }, async (t) => {
  const root = tmpDir();
  const dirs = bigTree(root, 200);
  // An inotify watch of every directory counts who opens one.
  const spy = watchTree(t, new InotifyBackend(), root, IN_OPEN | IN_CREATE);
  const child = spawnTswatch(['--backend', 'fanotify', '-m', '-r', '-e', 'create', root]);
  await waitFor(
    () => child.stderr.includes('Watches established.'),
    () => `the ready line; stderr: ${child.stderr}`,
    TIMEOUT,
  );
  const marker = join(root, 'marker');
  writeFileSync(marker, '');
  await spy.until(`IN_CREATE ${marker}`);
  await waitFor(
    () => child.stdout.includes(`${root}/ CREATE marker`),
    () => `the marker; stdout: ${child.stdout}`,
    TIMEOUT,
  );
  const opened = spy.events.filter((e) => e.mask & IN_OPEN && e.mask & IN_ISDIR && dirs.includes(e.pathname));
  assert.deepEqual(
    opened.map((e) => e.pathname),
    [],
    'no directory below the top was read',
  );
});

test('fanotify -r: a filesystem mounted below the top is learnt too (a mark of its own)', { skip }, async (t) => {
  const root = tmpDir();
  const mnt = join(root, 'a', 'mnt');
  mkdirSync(mnt, { recursive: true });
  const made = spawnSync('mount', ['-t', 'tmpfs', 'tswatch-test', mnt]);
  if (made.status !== 0) return t.skip(`cannot mount a tmpfs here: ${made.stderr}`);
  const w = watchTree(t, new FanotifyBackend(), root);
  try {
    mkdirSync(join(mnt, 'deep'));
    assert.deepEqual(Object.keys(w.wds).sort(), [root, mnt], 'the tops only');
    writeFileSync(join(mnt, 'deep', 'f'), '');
    await w.until(`IN_CREATE ${join(mnt, 'deep', 'f')}`);
  } finally {
    // While watched: tswatch holds nothing open there (a held directory would keep it busy).
    const umounted = spawnSync('umount', [mnt]);
    if (umounted.status !== 0) spawnSync('umount', ['-l', mnt]);
    w.stop();
    assert.equal(umounted.status, 0, `umount ${mnt} while watched: ${umounted.stderr}`);
  }
});
