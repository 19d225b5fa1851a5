import type { Writable } from 'node:stream';

/** Bytes as a person reads them: 1.2 MB. */
export function humanBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** A one-line progress bar redrawn in place with \r (at most every 100 ms), for a terminal. */
export class ProgressLine {
  private last = 0;
  private drawn = false;

  constructor(
    private readonly out: Writable & { columns?: number },
    private readonly label: string,
  ) {}

  update(done: number, total: number, text: string, force = false): void {
    const now = Date.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    const ratio = total > 0 ? Math.min(1, done / total) : 1;
    const width = 24;
    const filled = Math.round(ratio * width);
    const line = `${this.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}% ${text}`;
    this.out.write(`\r${line.slice(0, (this.out.columns ?? 80) - 1)}\x1b[K`);
    this.drawn = true;
  }

  /** Leave the line so the next output starts clean. */
  end(): void {
    if (this.drawn) this.out.write('\r\x1b[K');
    this.drawn = false;
  }
}
