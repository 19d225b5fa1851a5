import { statSync } from 'node:fs';
import { IN_MODIFY } from './masks.js';
import type { Delivery } from './system-processor.js';

interface Held {
  delivery: Delivery;
  /** size and mtime when last looked at */
  signature: string;
  timer: NodeJS.Timeout;
}

const signature = (path: string): string => {
  const st = statSync(path, { throwIfNoEntry: false });
  return st === undefined ? 'gone' : `${st.size}:${st.mtimeMs}`;
};

/**
 * `settle`: a file's IN_MODIFY events are held, per path, and reported once when the file has stopped
 * changing: at once on its IN_CLOSE_WRITE (or any other event about it), else when its size and mtime
 * stayed the same for `ms` (backends without close events, writers that keep the file open). Each path
 * settles on its own: a busy file never delays another.
 */
export class Settler {
  private readonly held = new Map<string, Held>();

  constructor(
    private readonly ms: number,
    private readonly out: (delivery: Delivery) => void,
  ) {}

  push(delivery: Delivery): void {
    const { event } = delivery;
    const path = event.pathname;
    const held = this.held.get(path);
    if (event.mask & IN_MODIFY && !event.dir) {
      if (held !== undefined) return; // the same change going on: the first event stands for all
      const entry: Held = { delivery, signature: signature(path), timer: undefined! };
      entry.timer = setTimeout(() => this.check(path, entry), this.ms);
      this.held.set(path, entry);
      return;
    }
    if (held !== undefined) this.release(path, held);
    this.out(delivery);
  }

  /** Drop what is held (the notifier stops). */
  dispose(): void {
    for (const { timer } of this.held.values()) clearTimeout(timer);
    this.held.clear();
  }

  private check(path: string, entry: Held): void {
    const now = signature(path);
    if (now === entry.signature) {
      this.release(path, entry);
      return;
    }
    entry.signature = now;
    entry.timer = setTimeout(() => this.check(path, entry), this.ms);
  }

  private release(path: string, entry: Held): void {
    clearTimeout(entry.timer);
    this.held.delete(path);
    this.out(entry.delivery);
  }
}
