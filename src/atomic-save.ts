import { Event } from './event.js';
import { ALL_EVENTS, IN_CLOSE_WRITE, IN_CREATE, IN_MODIFY, IN_MOVED_FROM, IN_MOVED_TO } from './masks.js';
import type { Delivery } from './system-processor.js';
import type { WatchManager } from './watch-manager.js';

/** How long a new file's events wait to see whether it is an editor's temporary file. */
export const ATOMIC_SAVE_WAIT_MS = 500;

interface Tentative {
  held: Delivery[];
  timer: NodeJS.Timeout;
  /** The cookie of its IN_MOVED_FROM, once renamed. */
  cookie?: number;
}

/**
 * `atomicSave`: an editor's save by write-temp-then-rename (create `.f.swp`/`f.tmp`, write, close, rename
 * over `f`) shows as one IN_MODIFY (and IN_CLOSE_WRITE) of `f`, not as events of a file nobody asked
 * about. A new file's events are held for ATOMIC_SAVE_WAIT_MS; renamed within that time, they collapse
 * into the save of the rename's target; otherwise they go out as they came, in order.
 */
export class AtomicSaveCoalescer {
  private readonly tentative = new Map<string, Tentative>();

  constructor(
    private readonly wm: WatchManager,
    private readonly out: (delivery: Delivery) => void,
    private readonly waitMs = ATOMIC_SAVE_WAIT_MS,
  ) {}

  push(delivery: Delivery): void {
    const { event } = delivery;
    const path = event.pathname;
    if (event.mask & IN_MOVED_TO && event.src_pathname !== undefined) {
      const from = this.tentative.get(event.src_pathname);
      if (from !== undefined && from.cookie === event.cookie) {
        this.saved(event.src_pathname, from, delivery);
        return;
      }
    }
    const known = this.tentative.get(path);
    if (known !== undefined) {
      known.held.push(delivery);
      if (event.mask & IN_MOVED_FROM) known.cookie = event.cookie;
      else if (known.cookie !== undefined) this.flush(path); // not the rename's other half after all
      return;
    }
    if (event.mask & IN_CREATE && !event.dir) {
      this.tentative.set(path, { held: [delivery], timer: setTimeout(() => this.flush(path), this.waitMs) });
      return;
    }
    this.out(delivery);
  }

  dispose(): void {
    for (const { timer } of this.tentative.values()) clearTimeout(timer);
    this.tentative.clear();
  }

  /** The temporary file became the real one: one save of the target, nothing of the temporary. */
  private saved(tmp: string, entry: Tentative, movedTo: Delivery): void {
    clearTimeout(entry.timer);
    this.tentative.delete(tmp);
    const to = movedTo.event;
    const mask = this.wm.watch(to.wd)?.mask ?? ALL_EVENTS;
    const closed = entry.held.some((d) => d.event.mask & IN_CLOSE_WRITE);
    for (const bit of [IN_MODIFY, closed ? IN_CLOSE_WRITE : 0]) {
      if (bit & mask) this.out({ event: new Event({ wd: to.wd, mask: bit, name: to.name, path: to.path }), handler: movedTo.handler });
    }
  }

  private flush(path: string): void {
    const entry = this.tentative.get(path);
    if (entry === undefined) return;
    clearTimeout(entry.timer);
    this.tentative.delete(path);
    for (const delivery of entry.held) this.out(delivery);
  }
}
