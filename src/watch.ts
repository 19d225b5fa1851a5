import type { DirEntries } from './dir-entries.js';
import type { TswatchError } from './errors.js';
import type { ExcludeFilter, PathFilter } from './exclude-filter.js';
import type { Backend } from './backends/backend.js';
import type { BackendName } from './backends/select.js';
import type { Handler } from './process-event.js';

export interface AddWatchOptions {
  /** Handler for this watch's events instead of the notifier's default. */
  procFun?: Handler;
  /** Also watch every directory below (those that exist now). */
  rec?: boolean;
  /** Watch directories created (or moved in) later, and report what they already hold. */
  autoAdd?: boolean;
  /** Paths for which it returns true are not watched. */
  excludeFilter?: PathFilter | ExcludeFilter;
  /** Expand glob patterns in the paths. */
  doGlob?: boolean;
  /**
   * true (pyinotify's default): a failed path gets a negative wd and its error in `errors`; false: throw.
   * Directories below a path (with `rec`) that cannot be watched get a negative wd either way.
   */
  quiet?: boolean;
}

export interface UpdateWatchOptions {
  mask?: number;
  procFun?: Handler;
  rec?: boolean;
  autoAdd?: boolean;
  quiet?: boolean;
}

/** A WatchManager's reading state, handed to a process that inherits its inotify fd (`tswatch -d`). */
export interface WatchState {
  echoes: Array<[number, number]>;
  entries: Array<[string, Array<[string, boolean]>]>;
}

export interface WatchManagerOptions {
  /** A backend, or its name: 'inotify', 'fanotify', 'parcel', 'poll', 'auto' (default: `TSWATCH_BACKEND`, else inotify). */
  backend?: Backend | BackendName;
  /** Milliseconds between two polls of a path, for the poll backend (and auto's polled mounts). */
  pollInterval?: number;
  /** Default exclude filter for every addWatch (pyinotify's `exclude_filter`). */
  excludeFilter?: PathFilter | ExcludeFilter;
  /**
   * The backend's watches were armed by another process, which handed its fd over (see adoptState):
   * they are live, so re-adding them must never narrow their mask, even for the length of a walk.
   */
  inherited?: boolean;
}

/** One watched path. `path` follows renames; `entries` is what the directory held when last seen. */
export interface Watch {
  readonly wd: number;
  path: string;
  /** The user's mask: event bits plus flags. */
  mask: number;
  procFun: Handler | undefined;
  autoAdd: boolean;
  excludeFilter: PathFilter | undefined;
  /** In a tree the backend learns lazily (fanotify): directories below are watched when an event names them. */
  lazy?: boolean;
  /** Met by an event, never read: `entries` holds only the names seen since, so it proves no absence. */
  partial?: boolean;
  /** name → is a directory; undefined when the watch is on a file. */
  readonly entries: DirEntries | undefined;
}

/** Where directory scans report what they find. */
export interface ScanSink {
  event(watch: Watch, mask: number, name: string): void;
  error(err: TswatchError): void;
}
