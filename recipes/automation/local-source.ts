import { type Event, IN_IGNORED, IN_Q_OVERFLOW, Notifier, WatchManager, type WatchSpec } from '../../src/index.js';
import { Fence } from './fence.js';
import { addedCreate, watchMask } from './scanned-files.js';
import type { SourceListener, UnitSource } from './unit-source.js';

/**
 * Events of local paths: the watch's own WatchManager (so two watches on the same directory keep their
 * own masks and handlers) and a Fence to drain exactly what the kernel queued. Without a spec (a recipe
 * that watches by itself) only the fence is watched.
 */
export class LocalSource implements UnitSource {
  readonly fence: Fence;
  private readonly wm = new WatchManager();
  private notifier: Notifier | undefined;

  /** Adds the watches now: throws (nothing left behind) if a path cannot be watched. */
  constructor(private readonly spec: WatchSpec | undefined) {
    try {
      this.fence = new Fence(this.wm);
      if (spec !== undefined) {
        const userExclude = spec.options.excludeFilter;
        const fence = this.fence;
        const excludeFilter = (path: string): boolean => fence.covers(path) || (typeof userExclude === 'function' ? userExclude(path) : (userExclude?.test(path) ?? false));
        this.wm.addWatch(spec.paths, watchMask(spec.mask), { ...spec.options, excludeFilter, quiet: false });
      }
    } catch (err) {
      this.close();
      throw err;
    }
  }

  async start(listener: SourceListener): Promise<void> {
    const notifier = new Notifier(this.wm, (event: Event) => this.dispatch(event, listener));
    notifier.on('error', (err: Error, event?: Event) => listener.error(err, event));
    this.notifier = notifier;
    notifier.start();
    await notifier.ready();
  }

  get running(): boolean {
    return this.notifier?.running ?? false;
  }

  /** Every event the kernel queued before now is dispatched once the fence's marker is. */
  async drain(timeoutMs: number): Promise<void> {
    await Promise.race([this.fence.mark(), new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
  }

  close(): void {
    if (this.notifier) this.notifier.stop(); // closes the WatchManager
    else this.wm.close();
    this.fence?.close(); // undefined only when the constructor failed making it
  }

  status(): { backend: string; watches: number } {
    return { backend: this.wm.backend.name, watches: Math.max(0, this.wm.size - 1) }; // the fence is ours, not the user's
  }

  private dispatch(event: Event, listener: SourceListener): void {
    if (event.mask & IN_IGNORED) {
      if (this.status().watches === 0) listener.gone();
      return;
    }
    if (event.mask & IN_Q_OVERFLOW) return listener.overflow();
    if (this.spec !== undefined && (addedCreate(this.spec.mask, event) || !this.spec.accepts(event))) return;
    if (this.fence.covers(event.pathname)) return;
    listener.event(event);
  }
}
