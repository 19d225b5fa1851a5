import { mkdtempSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { lazyBuiltin } from '../src/lazy-builtin.js';
import type { WatchState } from '../src/watch-manager.js';

/** Only -d starts a process. */
const childProcess = lazyBuiltin<typeof import('node:child_process')>('node:child_process');
const os = lazyBuiltin<typeof import('node:os')>('node:os');

/** Set in the daemon's own environment: "you are the background process". */
const CHILD_ENV = 'TSWATCH_DAEMON_CHILD';
/** With a handed-over inotify fd: the file holding the WatchManager's state (JSON), read once. */
const STATE_ENV = 'TSWATCH_DAEMON_STATE';
/** The fd the daemon reports readiness on, or (handed over) the inotify fd it inherits. */
const CHILD_FD = 3;

export const isDaemonChild = (): boolean => process.env[CHILD_ENV] === '1';

/** In the daemon: the inotify fd the foreground process handed over, and its WatchManager's state. */
export function inheritedInotify(): { fd: number; state: WatchState } | undefined {
  const file = process.env[STATE_ENV];
  if (!isDaemonChild() || file === undefined) return undefined;
  const state = JSON.parse(readFileSync(file, 'utf8')) as WatchState;
  rmSync(join(file, '..'), { recursive: true, force: true });
  delete process.env[STATE_ENV]; // read once
  inherited = true;
  return { fd: CHILD_FD, state };
}

let inherited = false;

const childArgs = (): string[] => [...process.execArgv, ...process.argv.slice(1)];

/**
 * `-d` with kernel inotify: the watches are set up here, at a plain watch's speed; the background copy
 * inherits the inotify fd, so what happens while it starts waits in the kernel queue. Returns at once.
 */
export function handOverDaemon(inotifyFd: number, state: WatchState): number {
  // A file, not the environment: a big tree's state is larger than one variable may be.
  const file = join(mkdtempSync(join(os().tmpdir(), 'tswatch-daemon-')), 'state.json');
  writeFileSync(file, JSON.stringify(state), { mode: 0o600 });
  const child = childProcess().spawn(process.execPath, childArgs(), {
    detached: true,
    env: { ...process.env, [CHILD_ENV]: '1', [STATE_ENV]: file },
    stdio: ['ignore', 'ignore', 'ignore', inotifyFd],
  });
  child.on('error', () => {});
  child.unref();
  if (child.pid === undefined) rmSync(join(file, '..'), { recursive: true, force: true });
  return child.pid === undefined ? 1 : 0;
}

/** In the daemon started by startDaemon: the watches are set up; the foreground process may exit 0. */
export function reportDaemonReady(): void {
  if (inherited) return; // handed over: nobody waits
  // The parent stops relaying stderr once told: a late write there must not take the daemon down.
  process.stderr.on('error', () => {});
  try {
    writeSync(CHILD_FD, 'ready\n');
  } catch {
    // started by hand with the variable set: nobody waits
  }
}

/**
 * `-d` on another backend: start the same command line again, detached, in a new session, and wait
 * until it has set up its watches: once this returns, nothing is missed. Its set-up messages go to
 * syslog, as inotifywait's; an error before it watches is relayed here. Resolves to the exit status:
 * 0 once it runs, 1 if it failed.
 */
export function startDaemon(stderr: Writable): Promise<number> {
  const child = childProcess().spawn(process.execPath, childArgs(), {
    detached: true,
    env: { ...process.env, [CHILD_ENV]: '1' },
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve) => {
    const release = (status: number): void => {
      child.stderr!.destroy();
      (child.stdio[CHILD_FD] as NodeJS.ReadableStream & { destroy(): void }).destroy();
      child.unref();
      resolve(status);
    };
    child.stderr!.on('data', (chunk: Buffer) => stderr.write(chunk));
    (child.stdio[CHILD_FD] as NodeJS.ReadableStream).on('data', () => release(0));
    child.on('error', () => release(1));
    child.on('exit', (code) => release(code === 0 ? 0 : 1));
  });
}
