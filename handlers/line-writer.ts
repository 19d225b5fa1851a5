import type { Writable } from 'node:stream';

/**
 * Collects output lines and writes them in one call per batch: one write per event would cost a
 * syscall each under a burst. A closed pipe (`tswatch … | head`) calls `onClosed` instead of crashing.
 */
export class LineWriter {
  private lines: string[] = [];
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

  push(line: string): void {
    if (!this.closed) this.lines.push(line);
  }

  flush(): void {
    if (this.lines.length === 0 || this.closed) return;
    this.out.write(`${this.lines.join('\n')}\n`);
    this.lines = [];
  }
}
