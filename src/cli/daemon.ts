import { spawn } from 'node:child_process';
import { writeSync } from 'node:fs';
import type { Writable } from 'node:stream';

/** Set in the daemon's own environment: "you are the background process". */
const CHILD_ENV = 'TSWATCH_DAEMON_CHILD';
/** The fd the daemon reports readiness on. */
const READY_FD = 3;

export const isDaemonChild = (): boolean => process.env[CHILD_ENV] === '1';

/** In the daemon: the watches are set up; the foreground process may exit 0. */
export function reportDaemonReady(): void {
  // The parent stops relaying stderr once told: a late write there must not take the daemon down.
  process.stderr.on('error', () => {});
  try {
    writeSync(READY_FD, 'ready\n');
  } catch {
    // started by hand with the variable set: nobody waits
  }
}

/**
 * `-d`: start the same command line again, detached, in a new session, and wait until it has set up its
 * watches: once this returns, nothing is missed. Its set-up messages go to syslog, as inotifywait's; an
 * error before it watches is relayed here. Resolves to the exit status: 0 once it runs, 1 if it failed.
 */
export function startDaemon(stderr: Writable): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    detached: true,
    env: { ...process.env, [CHILD_ENV]: '1' },
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve) => {
    const release = (status: number): void => {
      child.stderr!.destroy();
      (child.stdio[READY_FD] as NodeJS.ReadableStream & { destroy(): void }).destroy();
      child.unref();
      resolve(status);
    };
    child.stderr!.on('data', (chunk: Buffer) => stderr.write(chunk));
    (child.stdio[READY_FD] as NodeJS.ReadableStream).on('data', () => release(0));
    child.on('error', () => release(1));
    child.on('exit', (code) => release(code === 0 ? 0 : 1));
  });
}
