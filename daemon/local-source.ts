import type { WatchSpec } from '../src/index.js';
import type { Fence } from './fence.js';
import { SharedWatch } from './shared-watch.js';
import type { SourceListener, UnitSource } from './unit-source.js';

/**
 * Events of local paths: the watch's own WatchManager (so two watches on the same directory keep their
 * own masks and handlers) and a Fence to drain exactly what the kernel queued. Without a spec (a recipe
 * that watches by itself) only the fence is watched.
 *
 * Given the source of the unit it replaces (a reload), it shares that source's WatchManager instead
 * (SharedWatch): its watches are added to the same inotify fd before the old unit stops, and `start`
 * cuts the event stream with a fence marker, so each event reaches exactly one of the two units.
 */
export class LocalSource implements UnitSource {
  readonly fence: Fence;
  private readonly watch: SharedWatch;
  /** On a source that handed its events over: resolves once the last of them was dispatched. */
  private handedOver: Promise<void> | undefined;
  private closed = false;

  /** Adds the watches now: throws (nothing left behind, the replaced source's watches as they were) if a path cannot be watched. */
  constructor(
    private readonly spec: WatchSpec | undefined,
    private readonly replacing?: LocalSource,
  ) {
    const watch = replacing?.watch ?? new SharedWatch();
    try {
      watch.join(spec);
    } catch (err) {
      if (replacing === undefined) watch.leave(undefined);
      throw err;
    }
    this.watch = watch;
    this.fence = watch.fence;
  }

  async start(listener: SourceListener): Promise<void> {
    const route = { spec: this.spec, listener };
    if (this.replacing === undefined) return this.watch.start(route);
    this.replacing.handedOver = this.watch.handOver(route);
  }

  get running(): boolean {
    return this.watch.running && !this.closed;
  }

  /** Every event the kernel queued before now (or, handed over, before the cut) is dispatched once the fence's marker is. */
  async drain(timeoutMs: number): Promise<void> {
    await Promise.race([this.handedOver ?? this.fence.mark(), new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.watch.leave(this.spec);
  }

  status(): { backend: string; watches: number } {
    return { backend: this.watch.wm.backend.name, watches: this.watch.size };
  }
}
