// The watchers under test: how to launch each adapter, and a live smoke check before the workloads.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH, ROOT } from './build.mjs';
import { Run } from './harness.mjs';

const PY = '/usr/bin/python3'; // Debian's python3-pyinotify / python3-watchdog live here, not in pyenv
const node = (file) => (root) => ({ cmd: process.execPath, args: [join(BENCH, 'adapters', file), root] });
const python = (file) => (root) => ({ cmd: PY, args: [join(BENCH, 'adapters', file), root] });

// inotifywait prints the bench format itself (--format); only its event names are mapped here, on the
// harness side, so the measured process is inotifywait alone.
const IW_KIND = {
  CREATE: 'CREATE',
  DELETE: 'DELETE',
  CLOSE_WRITE: 'WRITE',
  MOVED_FROM: 'MOVED_FROM',
  MOVED_TO: 'MOVED_TO',
  Q_OVERFLOW: 'OVERFLOW',
};
function inotifywaitLine(line) {
  const sp = line.indexOf(' ');
  const flags = line.slice(0, sp).split(',');
  const kind = flags.map((f) => IW_KIND[f]).find(Boolean);
  return kind && (kind === 'OVERFLOW' ? kind : `${kind} ${line.slice(sp + 1)}`);
}

const TSWATCH_CLI = { cmd: process.execPath, args: [join(ROOT, 'bin/tswatch.js')], version: true };
const CLI_EVENTS = ['-m', '-r', '-e', 'create,delete,moved_from,moved_to,close_write'];

/** tswatch --json as the bench format: a paired rename (src on the moved_to) is one MOVE line. */
const JSON_KIND = {
  IN_CREATE: 'CREATE',
  IN_DELETE: 'DELETE',
  IN_CLOSE_WRITE: 'WRITE',
  IN_MOVED_FROM: 'MOVED_FROM',
  IN_MOVED_TO: 'MOVED_TO',
  IN_Q_OVERFLOW: 'OVERFLOW',
};
function tswatchJsonLine(line) {
  const e = JSON.parse(line);
  const kind = e.maskname
    .split('|')
    .map((f) => JSON_KIND[f])
    .find(Boolean);
  if (kind === 'MOVED_TO' && e.src_pathname) return `MOVE ${e.src_pathname} -> ${e.pathname}`;
  return kind && (kind === 'OVERFLOW' ? kind : `${kind} ${e.pathname}`);
}

/** For the moves workload the CLI prints --json, where a rename's pairing shows (`extra`: flags before the events). */
const jsonForMoves = (extra) => (family, self) =>
  family === 'moves'
    ? {
        ...self,
        command: (root) => ({ cmd: TSWATCH_CLI.cmd, args: [...TSWATCH_CLI.args, ...extra, ...CLI_EVENTS, '--json', root] }),
        translate: tswatchJsonLine,
      }
    : self;

export function allSubjects(helpers) {
  return [
    {
      // The command users run, in inotifywait's format (--json for moves, where the pairing shows).
      name: 'tswatch',
      command: (root) => ({ cmd: TSWATCH_CLI.cmd, args: [...TSWATCH_CLI.args, ...CLI_EVENTS, '--format', '%e %w%f', root] }),
      cli: TSWATCH_CLI,
      readyStderr: /Watches established/,
      translate: inotifywaitLine,
      forWorkload: jsonForMoves([]),
      env: { TSWATCH_BACKEND: 'inotify' }, // the native backend; never a silent fallback to @parcel/watcher
      missing: () => (existsSync(join(ROOT, 'dist/cli/main.js')) ? undefined : 'dist/cli/main.js not built'),
    },
    {
      // The same command on the fanotify backend (root only: filesystem marks).
      name: 'tswatch fanotify',
      key: 'tswatch-fanotify',
      command: (root) => ({
        cmd: TSWATCH_CLI.cmd,
        args: [...TSWATCH_CLI.args, '--backend', 'fanotify', ...CLI_EVENTS, '--format', '%e %w%f', root],
      }),
      readyStderr: /Watches established/,
      translate: inotifywaitLine,
      forWorkload: jsonForMoves(['--backend', 'fanotify']),
      missing: () =>
        !existsSync(join(ROOT, 'dist/cli/main.js'))
          ? 'dist/cli/main.js not built'
          : process.getuid?.() !== 0
            ? 'fanotify filesystem marks need root'
            : undefined,
    },
    {
      name: 'tswatch (library)',
      key: 'tswatch-lib',
      command: node('tswatch.mjs'),
      env: { TSWATCH_BACKEND: 'inotify' }, // the native backend; never a silent fallback to @parcel/watcher
      missing: () => (existsSync(join(ROOT, 'dist/src/index.js')) ? undefined : 'dist/src/index.js not built'),
    },
    { name: 'floor (C)', key: 'floor', command: (root) => ({ cmd: helpers.floor, args: [root] }) },
    {
      name: 'inotifywait',
      command: (root) => ({
        cmd: '/usr/bin/inotifywait',
        args: ['-m', '-r', '-e', 'create,delete,moved_from,moved_to,close_write', '--format', '%e %w%f', root],
      }),
      cli: { cmd: '/usr/bin/inotifywait', args: [] },
      readyStderr: /Watches established/,
      translate: inotifywaitLine,
      missing: () => (existsSync('/usr/bin/inotifywait') ? undefined : 'missing: apt-get install inotify-tools'),
    },
    {
      // inotify-tools' fanotify flavour: one filesystem mark (-S) instead of a watch per directory. It
      // reports the whole filesystem; the workload counts only its own paths.
      name: 'fsnotifywait -S',
      key: 'fsnotifywait',
      families: ['big-tree'],
      command: (root) => ({
        cmd: '/usr/bin/fsnotifywait',
        args: ['-S', '-m', '-r', '-e', 'create,delete,moved_from,moved_to,close_write', '--format', '%e %w%f', root],
      }),
      readyStderr: /Watches established/,
      translate: inotifywaitLine,
      missing: () =>
        !existsSync('/usr/bin/fsnotifywait')
          ? 'missing: apt-get install inotify-tools (4.x ships fsnotifywait)'
          : process.getuid?.() !== 0
            ? 'fanotify needs root'
            : undefined,
    },
    {
      name: 'pyinotify',
      command: python('pyinotify_adapter.py'),
      missing: () => (existsSync(PY) ? undefined : `missing ${PY}: apt-get install python3-pyinotify`),
    },
    {
      name: 'watchdog',
      command: python('watchdog_adapter.py'),
      missing: () => (existsSync(PY) ? undefined : `missing ${PY}: apt-get install python3-watchdog`),
    },
    {
      name: 'chokidar',
      command: node('chokidar.mjs'),
      missing: () => (existsSync(join(ROOT, 'node_modules/chokidar')) ? undefined : 'missing: npm install -D chokidar@^5'),
    },
    {
      name: 'tswatch/chokidar',
      key: 'tswatch-chokidar',
      command: node('tswatch-chokidar.mjs'),
      env: { TSWATCH_BACKEND: 'inotify' },
      missing: () => (existsSync(join(ROOT, 'dist/facades/chokidar/index.js')) ? undefined : 'dist/facades/chokidar/index.js not built'),
    },
    {
      name: '@parcel/watcher',
      key: 'parcel',
      command: node('parcel.mjs'),
      missing: () => (existsSync(join(ROOT, 'node_modules/@parcel/watcher')) ? undefined : 'missing: npm install @parcel/watcher'),
    },
    {
      // parcel.mjs with the one-line import change: the facade on tswatch's engine, beside the original.
      name: 'tswatch/parcel',
      key: 'tswatch-parcel',
      command: node('tswatch-parcel.mjs'),
      env: { TSWATCH_BACKEND: 'inotify' }, // the native backend; never a silent fallback to @parcel/watcher
      missing: () => (existsSync(join(ROOT, 'dist/facades/parcel/index.js')) ? undefined : 'dist/facades/parcel/index.js not built'),
    },
  ].map((s) => ({ key: s.name, ...s }));
}

/** Launch on a temp dir, wait for READY, create a file, expect its CREATE line. Returns a reason or undefined. */
export async function smokeCheck(subject) {
  const missing = subject.missing?.();
  if (missing) return missing;
  const dir = mkdtempSync(join(tmpdir(), 'tswatch-bench-smoke-'));
  const run = new Run(subject, dir);
  try {
    if ((await run.ready(15000)) !== 'done') return `no READY: ${tail(run.stderr)}`;
    const probe = join(dir, 'probe');
    writeFileSync(probe, '');
    const seen = await run.waitFor(() => run.events.some((e) => e.kind === 'CREATE' && e.path === probe), {
      quietMs: 5000,
      maxMs: 5000,
    });
    return seen === 'done' ? undefined : `no event for a new file: ${tail(run.stderr) || '(no stderr)'}`;
  } finally {
    await run.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The most telling stderr line: the first that names an error, else the last one. */
function tail(s) {
  const lines = s
    .trim()
    .split('\n')
    .filter((l) => l.trim());
  return (lines.find((l) => /error|cannot|not found|no module/i.test(l)) ?? lines.at(-1) ?? '').trim().slice(0, 300);
}
