import { closeSync, openSync, writeSync } from 'node:fs';
import { TswatchError } from '../src/index.js';

/**
 * The daemon's --log: timestamped lines from tswatch, and its commands' output as they write it.
 * Synchronous appends (a line is never half-written when the daemon stops); `reopen` after logrotate
 * moved the file (SIGUSR1) starts a new one at the same path.
 */
export class LogFile {
  private fd: number;

  constructor(readonly path: string) {
    this.fd = LogFile.open(path);
  }

  private static open(path: string): number {
    try {
      return openSync(path, 'a', 0o640);
    } catch (err) {
      throw new TswatchError(`cannot open log file '${path}': ${(err as Error).message}`, {
        code: (err as NodeJS.ErrnoException).code ?? 'ELOG',
        path,
        cause: err,
        hint: 'choose a --log path in a directory this user can write',
      });
    }
  }

  line(text: string): void {
    this.write(`${new Date().toISOString()} tswatch[${process.pid}]: ${text}\n`);
  }

  write(chunk: string | Buffer): void {
    if (typeof chunk === 'string') writeSync(this.fd, chunk);
    else writeSync(this.fd, chunk);
  }

  /** Open the path again (logrotate renamed the old file) and close the old descriptor. */
  reopen(): void {
    const fd = LogFile.open(this.path);
    closeSync(this.fd);
    this.fd = fd;
    this.line('log reopened');
  }

  close(): void {
    closeSync(this.fd);
  }
}
