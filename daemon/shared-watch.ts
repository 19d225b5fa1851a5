import {
  ALL_EVENTS,
  type Event,
  IN_IGNORED,
  IN_Q_OVERFLOW,
  IN_UNMOUNT,
  Notifier,
  type Watch,
  WatchManager,
  type WatchSpec,
} from '../src/index.js';
import { Fence } from './fence.js';
import { addedCreate, watchMask } from './scanned-files.js';
import { specCovers, watchPath } from './spec-covers.js';
import type { SourceListener } from './unit-source.js';

/** Who takes the events now: a spec's filter and its unit's listener (no spec: a recipe watching by itself). */
export interface Route {
  spec: WatchSpec | undefined;
  listener: SourceListener;
}

const ALWAYS = IN_IGNORED | IN_Q_OVERFLOW | IN_UNMOUNT;
const VANISHED = new Set(['ENOENT', 'ENOTDIR', 'ESTALE', 'ELOOP']);

/**
 * One WatchManager, Notifier and Fence: a watch's event stream, kept across reloads (see LocalSource).
 * A reload that changes the watch adds the new spec's watches to the same inotify fd, so both specs are
 * watched at once (make before break), then drops a fence marker. The kernel keeps one fd's events in
 * order: every event before the marker goes to the old unit, every one after it to the new one; none
 * to both, none to neither. When the old spec leaves, the watches only it wanted are removed.
 */
export class SharedWatch {
  readonly wm = new WatchManager();
  readonly fence: Fence;
  private notifier: Notifier | undefined;
  private specs: WatchSpec[] = [];
  private route: Route | undefined;
  private users = 0;
  /** A directory no spec covers is not watched (and the fence's is the fence's). */
  private readonly excluded = (path: string): boolean => this.fence.covers(path) || !this.specs.some((spec) => specCovers(spec, path));

  constructor() {
    try {
      this.fence = new Fence(this.wm);
    } catch (err) {
      this.wm.close();
      throw err;
    }
  }

  /** Kernel watches held for the specs (the fence's is ours, not the user's). */
  get size(): number {
    return Math.max(0, this.wm.size - 1);
  }

  get running(): boolean {
    return this.notifier?.running ?? false;
  }

  /** A LocalSource uses this watch, with `spec`'s watches added. Throws, the watches as they were, if one cannot be watched. */
  join(spec: WatchSpec | undefined): void {
    if (spec !== undefined) {
      this.specs.push(spec);
      try {
        for (const root of spec.paths.map(watchPath)) {
          const held = this.wm.getWd(root);
          if (held === undefined)
            this.wm.addWatch(root, watchMask(spec.mask), { ...spec.options, excludeFilter: this.excluded, quiet: false });
          else if (spec.options.rec) this.descend(this.wm.watch(held)!, spec);
        }
      } catch (err) {
        this.specs = this.specs.filter((s) => s !== spec);
        this.settle();
        throw err;
      }
      this.settle();
    }
    this.users++;
  }

  /** The LocalSource of `spec` is done: its watches go unless another spec covers them; the last one closes everything. */
  leave(spec: WatchSpec | undefined): void {
    this.specs = this.specs.filter((s) => s !== spec);
    if (--this.users > 0) {
      this.settle();
      return;
    }
    if (this.notifier)
      this.notifier.stop(); // closes the WatchManager
    else this.wm.close();
    this.fence.close();
  }

  /** Send the events to `route` from now on (the first source to start); resolves once they are seen. */
  async start(route: Route): Promise<void> {
    this.route = route;
    const notifier = new Notifier(this.wm, (event: Event) => this.dispatch(event));
    notifier.on('error', (err: Error, event?: Event) => this.route?.listener.error(err, event));
    this.notifier = notifier;
    notifier.start();
    await notifier.ready();
  }

  /** The cut: events queued before the marker are the current route's, those after it `next`'s. Resolves at the marker. */
  handOver(next: Route): Promise<void> {
    return this.fence.mark(() => {
      this.route = next;
    });
  }

  /** Watch the directories below `watch` that `spec` covers and no watch holds yet (a spec newly recursive there). */
  private descend(watch: Watch, spec: WatchSpec): void {
    for (const [name, isDir] of watch.entries ?? []) {
      const path = watch.path === '/' ? `/${name}` : `${watch.path}/${name}`;
      if (!isDir || !specCovers(spec, path)) continue;
      const held = this.wm.getWd(path);
      try {
        if (held === undefined)
          this.wm.addWatch(path, watchMask(spec.mask), { rec: true, autoAdd: true, excludeFilter: this.excluded, quiet: false });
        else this.descend(this.wm.watch(held)!, spec);
      } catch (err) {
        if (!VANISHED.has((err as { code?: string }).code ?? '')) throw err; // removed meanwhile: nothing to watch
      }
    }
  }

  /** Each watch asks for what the specs covering it ask for; one no spec covers is removed. */
  private settle(): void {
    for (const watch of [...this.wm.watches()]) {
      if (this.fence.covers(watch.path) || watch.path.includes('\0')) continue; // the fence; a directory moved, its new name not seen yet
      const covering = this.specs.filter((spec) => specCovers(spec, watch.path));
      if (covering.length === 0) {
        this.wm.rmWatch(watch.wd);
        continue;
      }
      const mask = covering.reduce((bits, spec) => bits | watchMask(spec.mask), 0) >>> 0;
      this.wm.updateWatch(watch.wd, { autoAdd: covering.some((spec) => spec.options.autoAdd), ...(mask !== watch.mask && { mask }) });
    }
  }

  private dispatch(event: Event): void {
    const route = this.route;
    if (event.mask & IN_IGNORED) {
      if (this.size === 0) route?.listener.gone();
      return;
    }
    if (event.mask & IN_Q_OVERFLOW) {
      route?.listener.overflow();
      return;
    }
    if (route?.spec === undefined || this.fence.covers(event.pathname) || !this.selects(route.spec, event)) return;
    route.listener.event(event);
  }

  /** The spec's own events. While several specs share the watches, the mask and the watch are checked too. */
  private selects(spec: WatchSpec, event: Event): boolean {
    if (addedCreate(spec.mask, event) || !spec.accepts(event)) return false;
    if (this.specs.length < 2 || event.mask & ALWAYS) return true;
    return (event.mask & watchMask(spec.mask) & ALL_EVENTS) !== 0 && specCovers(spec, event.path);
  }
}
