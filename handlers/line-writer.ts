import type { Writable } from 'node:stream';
import { fsEncode } from '../src/index.js';

/**
 * Collects output records (each with its own terminator: '\n', NUL or none) and writes them in one
 * call per batch: one write per event would cost a syscall each under a burst. Names that are not
 * UTF-8 go out as their original bytes (fsEncode). A closed pipe (`tswatch … | head`) calls `onClosed`
 * instead of crashing.
 */
export class LineWriter {
  private records: string[] = [];
  private closed = false;

  constructor(
    private readonly out: Writable,
    onClosed: () => void,
  ) {
    out.on('error', (err: NodeJS.ErrnoException) => {
      this.closed = true;
      if (err.code === 'EPIPE') onClosed();
      else throw err;
    });
  }

  push(record: string): void {
    if (!this.closed) this.records.push(record);
  }

  flush(): void {
    if (this.records.length === 0 || this.closed) return;
    this.out.write(fsEncode(this.records.join('')));
    this.records = [];
  }
}
