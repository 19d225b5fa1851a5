import { stat, type Stats } from 'node:fs';
import type { AWF } from './options.js';

interface Pending {
  event: 'add' | 'change';
  lastChange: number;
  size: number | undefined;
  /** undefined while the file is gone (its unlink is awaited, or it comes back). */
  timer: NodeJS.Timeout | undefined;
  check: () => void;
}

/**
 * chokidar's awaitWriteFinish: hold a file's `add` or `change` until its size stayed the same for
 * `stabilityThreshold` ms (checked every `pollInterval`), then report it with the final stats. A file
 * that vanishes meanwhile is reported as nothing, or, if it was known before, as its `unlink` only.
 */
export class WriteFinish {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly awf: AWF,
    private readonly done: (event: 'add' | 'change', path: string, stats: Stats) => void,
    private readonly failed: (err: NodeJS.ErrnoException) => void,
  ) {}

  has(path: string): boolean {
    return this.pending.has(path);
  }

  /** The file was written again: the quiet period starts over. */
  touch(path: string): void {
    const p = this.pending.get(path);
    if (p === undefined) return;
    p.lastChange = Date.now();
    p.timer ??= setTimeout(p.check, this.awf.pollInterval);
  }

  hold(event: 'add' | 'change', path: string, fsPath: string): void {
    if (this.pending.has(path)) {
      this.touch(path);
      return;
    }
    const p: Pending = { event, lastChange: Date.now(), size: undefined, timer: undefined, check: () => {} };
    this.pending.set(path, p);
    const check = (): void => {
      p.timer = undefined;
      stat(fsPath, (err, stats) => {
        if (this.pending.get(path) !== p) return; // cancelled meanwhile
        if (err) {
          // Gone: stop polling but stay pending, so the unlink on its way finds the held add and says nothing.
          if (err.code !== 'ENOENT') {
            this.pending.delete(path);
            this.failed(err);
          }
          return;
        }
        const now = Date.now();
        if (p.size !== undefined && stats.size !== p.size) p.lastChange = now;
        p.size = stats.size;
        if (now - p.lastChange >= this.awf.stabilityThreshold) {
          this.pending.delete(path);
          this.done(p.event, path, stats);
        } else p.timer = setTimeout(check, this.awf.pollInterval);
      });
    };
    p.check = check;
    p.timer = setTimeout(check, this.awf.pollInterval);
  }

  /** Stop waiting for `path`; returns the event that was held. */
  cancel(path: string): 'add' | 'change' | undefined {
    const p = this.pending.get(path);
    if (p === undefined) return undefined;
    clearTimeout(p.timer);
    this.pending.delete(path);
    return p.event;
  }

  dispose(): void {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
  }
}
