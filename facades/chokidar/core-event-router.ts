import { lstatSync, statSync } from 'node:fs';
import {
  type Event,
  IN_ATTRIB,
  IN_CLOSE_WRITE,
  IN_CREATE,
  IN_DELETE,
  IN_DELETE_SELF,
  IN_MODIFY,
  IN_MOVE_SELF,
  IN_MOVED_FROM,
  IN_MOVED_TO,
} from '../../src/index.js';
import type { ChangeGate } from './change-gate.js';
import type { CoreTree } from './core-tree.js';
import type { EntryTracker } from './entry-tracker.js';
import type { RawDetails } from './event-map.js';
import type { EventOutlet, WatcherHost } from './event-outlet.js';
import type { FollowedLinks } from './followed-links.js';
import type { FSWInstanceOptions } from './options.js';
import type { WatchedPaths } from './watched-paths.js';

/**
 * The core's events, read the facade's way: each is `raw` first, then an entry appearing, going or
 * being written. The core has already paired moves, scanned new directories and recovered overflows.
 */
export class CoreEventRouter {
  constructor(
    private readonly watcher: WatcherHost,
    private readonly options: FSWInstanceOptions,
    private readonly paths: WatchedPaths,
    private readonly main: () => CoreTree,
    private readonly links: FollowedLinks,
    private readonly tracker: EntryTracker,
    private readonly outlet: EventOutlet,
    private readonly gate: ChangeGate | undefined,
  ) {}

  /** One event from `tree`: the main core, or a followed link's (only the main one ends a watched directory). */
  onCore(tree: CoreTree, event: Event): void {
    if (this.watcher.closed) return;
    const { mask, name } = event;
    const path = event.pathname;
    if (this.watcher.listenerCount('raw') > 0) {
      const details: RawDetails = { watchedPath: event.path, mask, cookie: event.cookie };
      if (event.src_pathname !== undefined) details.from = event.src_pathname;
      this.watcher.emit('raw', event.maskname, path, details);
    }
    if (name === '') {
      // The watched path itself: a followed file link's target, or a watched directory's own end.
      if (mask & (IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE)) this.written(path, mask);
      else if (mask & (IN_DELETE_SELF | IN_MOVE_SELF) && tree === this.main() && this.paths.roots.get(path)?.kind === 'dir')
        this.tracker.vanished(path);
      return;
    }
    if (mask & (IN_CREATE | IN_MOVED_TO)) {
      const link = this.links.dangling.get(path);
      if (link !== undefined) {
        this.links.dangling.delete(path);
        this.tracker.appeared(link, true, false);
      }
      const moved = (mask & IN_MOVED_TO) !== 0;
      // No hint from the event: a polled link to a directory is told as a directory; lstat says which.
      this.tracker.appeared(path, true, moved, moved);
      if (mask & IN_CREATE && !event.dir && !event.synthetic) this.gate?.created(path);
    } else if (mask & (IN_DELETE | IN_MOVED_FROM)) {
      // A file already replaced by another at the same path (polling sees only states): one change.
      if (this.tracker.known.get(path) === false && this.kindNow(path) === 'file') this.outlet.emitEvent('change', path);
      else this.tracker.vanished(path);
    } else if (mask & (IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE)) {
      this.written(path, mask);
    }
  }

  /** A known file was written or touched: one `change` per write session, or, polled, one per 50 ms at most. */
  private written(path: string, mask: number): void {
    if (this.tracker.known.get(path) !== false) return;
    if (mask & IN_CLOSE_WRITE) {
      this.gate?.closedAfterWrite(path);
      return;
    }
    if (mask & IN_ATTRIB) {
      // chmod/chown change only ctime; touch (and a write) set mtime too: only that is a change.
      try {
        const st = statSync(path);
        if (Math.abs(st.mtimeMs - st.ctimeMs) > 1) return;
      } catch {
        return;
      }
    }
    if (this.gate !== undefined) this.gate.modified(path);
    else this.outlet.emitEvent('change', path);
  }

  /** What stands at `abs` now, as the facade counts it (a link is what it points to when followed). */
  private kindNow(abs: string): 'dir' | 'file' | undefined {
    try {
      const st = this.options.followSymlinks ? statSync(abs) : lstatSync(abs);
      return st.isDirectory() ? 'dir' : 'file';
    } catch {
      return undefined;
    }
  }
}
