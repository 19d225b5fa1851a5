import { lstatSync, readdirSync, statSync, type Dirent } from 'node:fs';
import { normalize } from 'node:path';
import { globSync, isDynamicPattern } from 'tinyglobby';
import type { Backend, RawEvent } from './backends/backend.js';
import { type BackendName, selectBackend } from './backends/select.js';
import { errnoError, TswatchError, WatchLimitError } from './errors.js';
import type { ExcludeFilter, PathFilter } from './exclude-filter.js';
import {
  ALL_EVENTS,
  IN_ACCESS,
  IN_CLOSE_NOWRITE,
  IN_CREATE,
  IN_DELETE,
  IN_DELETE_SELF,
  IN_DONT_FOLLOW,
  IN_ISDIR,
  IN_MASK_ADD,
  IN_MOVE_SELF,
  IN_MOVED_FROM,
  IN_MOVED_TO,
  IN_ONESHOT,
  IN_ONLYDIR,
  IN_OPEN,
  maskname,
  u32,
} from './masks.js';
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
  /** A backend, or its name: 'inotify', 'parcel', 'poll', 'auto' (default: `TSWATCH_BACKEND`, else inotify). */
  backend?: Backend | BackendName;
  /** Milliseconds between two polls of a path, for the poll backend (and auto's polled mounts). */
  pollInterval?: number;
  /** Default exclude filter for every addWatch (pyinotify's `exclude_filter`). */
  excludeFilter?: PathFilter | ExcludeFilter;
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
  /** name → is a directory; undefined when the watch is on a file. */
  readonly entries: Map<string, boolean> | undefined;
}

/** Where directory scans report what they find. */
export interface ScanSink {
  event(watch: Watch, mask: number, name: string): void;
  error(err: TswatchError): void;
}

/**
 * Bits the core always asks the kernel for on directories, whatever the user's mask: without them it
 * could not follow renames, watch new directories or rescan after an overflow. Events the user did not
 * ask for are dropped before dispatch.
 */
const BOOKKEEPING = IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF;

/**
 * What reading a directory makes the kernel queue, with IN_ISDIR, on the directory's own watch and on
 * its parent's: tswatch's scans cause these, the user did not.
 */
const SCAN_ECHO = IN_OPEN | IN_ACCESS | IN_CLOSE_NOWRITE;

/** Errors that mean "it is gone already": a race with the filesystem, not a failure. */
const VANISHED = new Set(['ENOENT', 'ENOTDIR', 'ESTALE', 'ELOOP']);

export function joinPath(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

/** The bits `backend` delivers for the watch `wd`. */
function supportedMaskOf(backend: Backend, wd: number): number {
  return backend.supportedMaskOf?.(wd) ?? backend.supportedMask;
}

const warnedUnsupported = new Set<string>();

/** Asked for events this watch's backend cannot give: say so, once per backend and set of bits. */
function warnUnsupported(backend: Backend, wd: number, mask: number, path: string): void {
  const missing = mask & ALL_EVENTS & ~supportedMaskOf(backend, wd);
  const key = `${backend.name}:${missing}`;
  if (missing === 0 || warnedUnsupported.has(key)) return;
  warnedUnsupported.add(key);
  process.emitWarning(
    `the ${backend.name} backend cannot deliver ${maskname(missing).replaceAll('|', ', ')} (asked for on '${path}'); ` +
      'those events will not be reported there',
    { type: 'TswatchWarning', code: 'TSWATCH_UNSUPPORTED' },
  );
}

/** pyinotify's wd for a path that failed: minus its errno (-1 when there is none). */
function negativeWd(err: TswatchError): number {
  const errno = (err.cause as NodeJS.ErrnoException | undefined)?.errno;
  return errno ? -Math.abs(errno) : -1;
}

function asFilter(filter: PathFilter | ExcludeFilter | undefined): PathFilter | undefined {
  return filter === undefined || typeof filter === 'function' ? filter : filter.test;
}

/** pyinotify's WatchManager: owns the backend, the wd ↔ path maps and recursion. */
export class WatchManager {
  readonly backend: Backend;
  /** The last error for each path that failed in a quiet addWatch. */
  readonly errors = new Map<string, TswatchError>();
  private readonly byWd = new Map<number, Watch>();
  private readonly byPath = new Map<string, number>();
  private readonly excludeFilter: PathFilter | undefined;
  /** wd → tswatch's reads of that directory whose echo on its own watch has not been seen to its end. */
  private readonly echoes = new Map<number, number>();

  constructor(options: WatchManagerOptions = {}) {
    const backend = options.backend;
    this.backend =
      backend === undefined || typeof backend === 'string' ? selectBackend(backend, { pollInterval: options.pollInterval }) : backend;
    this.excludeFilter = asFilter(options.excludeFilter);
  }

  /**
   * Watch `path` (or each of `paths`) for the events in `mask`. Returns path → wd for every path
   * watched, subdirectories included with `rec`; a path that failed maps to a negative wd (its error in
   * `errors`) when quiet. A subdirectory that failed always does: it never stops the rest of the tree.
   */
  addWatch(paths: string | readonly string[], mask: number, options: AddWatchOptions = {}): Record<string, number> {
    const quiet = options.quiet ?? true;
    const result: Record<string, number> = {};
    const settings = {
      mask: u32(mask),
      procFun: options.procFun,
      autoAdd: options.autoAdd ?? false,
      excludeFilter: asFilter(options.excludeFilter) ?? this.excludeFilter,
    };
    const fail = (path: string, err: TswatchError): void => {
      if (!quiet) throw err;
      result[path] = negativeWd(err);
      this.errors.set(path, err);
    };
    for (const path of this.expand(paths, options.doGlob ?? false)) {
      // A directory below `path` that cannot be watched (unreadable, say) costs that directory only:
      // it gets its negative wd and its error, and the walk goes on. Only the path itself failing, or
      // the watch limit (which would fail every directory after it), is thrown when not quiet.
      const sink: ScanSink = {
        event: () => {},
        error: (err) => {
          const at = err.path ?? path;
          if (at === path || err instanceof WatchLimitError) fail(at, err);
          else {
            result[at] = negativeWd(err);
            this.errors.set(at, err);
          }
        },
      };
      if (settings.excludeFilter?.(path)) continue;
      let watch: Watch;
      try {
        watch = this.ensureWatch(path, settings, this.isDirectory(path, settings.mask));
      } catch (err) {
        fail(path, err as TswatchError);
        continue;
      }
      this.errors.delete(path);
      const before = new Set(this.byWd.keys());
      if (watch.entries) this.reconcile(watch, false, options.rec ?? false, sink);
      result[path] = watch.wd;
      for (const [wd, w] of this.byWd) if (!before.has(wd)) result[w.path] = wd;
    }
    return result;
  }

  /** Change the mask, handler or autoAdd of watches (and, with `rec`, of those below them). */
  updateWatch(wds: number | readonly number[], options: UpdateWatchOptions = {}): Record<number, boolean> {
    const result: Record<number, boolean> = {};
    for (const watch of this.select(wds, options.rec ?? false)) {
      try {
        if (options.mask !== undefined) {
          const mask = u32(options.mask & IN_MASK_ADD ? watch.mask | options.mask : options.mask);
          const wd = this.backend.addWatch(watch.path, this.kernelMask(mask, watch.entries !== undefined));
          if (wd !== watch.wd) throw new TswatchError(`'${watch.path}' is no longer the watched file`, { code: 'ESTALE', path: watch.path });
          watch.mask = mask & ~IN_MASK_ADD;
        }
        if (options.procFun !== undefined) watch.procFun = options.procFun;
        if (options.autoAdd !== undefined) watch.autoAdd = options.autoAdd;
        result[watch.wd] = true;
      } catch (err) {
        if (options.quiet === false) throw err;
        result[watch.wd] = false;
      }
    }
    return result;
  }

  /** Stop watching (with `rec`, the directories below too). The kernel's IN_IGNORED is not dispatched. */
  rmWatch(wds: number | readonly number[], options: { rec?: boolean; quiet?: boolean } = {}): Record<number, boolean> {
    const result: Record<number, boolean> = {};
    for (const watch of this.select(wds, options.rec ?? false)) {
      this.backend.rmWatch(watch.wd);
      this.forget(watch.wd);
      result[watch.wd] = true;
    }
    if (options.quiet === false) {
      for (const wd of typeof wds === 'number' ? [wds] : wds) {
        if (!(wd in result)) throw new TswatchError(`no watch with wd ${wd}`, { code: 'EINVAL' });
      }
    }
    return result;
  }

  getWd(path: string): number | undefined {
    return this.byPath.get(this.normalizePath(path));
  }

  getPath(wd: number): string | undefined {
    return this.byWd.get(wd)?.path;
  }

  watch(wd: number): Watch | undefined {
    return this.byWd.get(wd);
  }

  watches(): IterableIterator<Watch> {
    return this.byWd.values();
  }

  get size(): number {
    return this.byWd.size;
  }

  /** Release the backend (the inotify fd). Watches are gone with it. */
  close(): void {
    this.backend.close();
    this.byWd.clear();
    this.byPath.clear();
  }

  // ---- used by the system processing (same package, not public API) ----

  /**
   * Bring `watch.entries` in line with the directory on disk. New entries (and, when `report`, their
   * events) come first; with `descend`, new subdirectories are watched and reconciled in turn, so
   * everything in a new tree is reported exactly once, parents before children.
   */
  reconcile(watch: Watch, report: boolean, descend: boolean, sink: ScanSink): void {
    let dirents: Dirent[];
    try {
      dirents = readdirSync(watch.path, { withFileTypes: true });
    } catch (err) {
      if (!VANISHED.has((err as NodeJS.ErrnoException).code ?? '')) sink.error(errnoError(err as NodeJS.ErrnoException, 'scan', watch.path));
      return;
    }
    this.expectEcho(watch);
    const entries = watch.entries!;
    const gone: Array<[string, boolean]> = [];
    if (entries.size > 0) {
      const now = new Map(dirents.map((d) => [d.name, d.isDirectory()]));
      for (const [name, isDir] of entries) if (now.get(name) !== isDir) gone.push([name, isDir]);
      for (const [name, isDir] of gone) {
        entries.delete(name);
        if (report) sink.event(watch, IN_DELETE | (isDir ? IN_ISDIR : 0), name);
      }
    }
    for (const dirent of dirents) {
      const name = dirent.name;
      if (entries.has(name)) continue;
      const isDir = dirent.isDirectory();
      entries.set(name, isDir);
      if (report) sink.event(watch, IN_CREATE | (isDir ? IN_ISDIR : 0), name);
      if (isDir && descend) this.addSubdir(watch, joinPath(watch.path, name), report, sink);
    }
    // After the additions, so a directory renamed while unseen keeps its watches (same inode, same wd).
    for (const [name, isDir] of gone) if (isDir) this.dropTree(joinPath(watch.path, name));
  }

  /** Watch a directory found below `parent`, with its settings, and reconcile it (descending). */
  addSubdir(parent: Watch, path: string, report: boolean, sink: ScanSink): void {
    if (parent.excludeFilter?.(path)) return;
    let watch: Watch;
    try {
      // Found by a scan or an event, it may have been swapped for a symlink since: never follow one out of
      // the tree (the kernel then says ENOTDIR, which counts as vanished).
      watch = this.ensureWatch(path, parent, true, IN_DONT_FOLLOW | IN_ONLYDIR);
    } catch (err) {
      if (!VANISHED.has((err as TswatchError).code)) sink.error(err as TswatchError);
      return;
    }
    this.reconcile(watch, report, true, sink);
  }

  /** Move the watch at `from` and every watch below it to `to`. False when nothing was watched there. */
  rehome(from: string, to: string): boolean {
    const prefix = from + '/';
    let moved = false;
    for (const watch of this.byWd.values()) {
      if (watch.path !== from && !watch.path.startsWith(prefix)) continue;
      if (this.byPath.get(watch.path) === watch.wd) this.byPath.delete(watch.path);
      watch.path = to + watch.path.slice(from.length);
      this.byPath.set(watch.path, watch.wd);
      moved = true;
    }
    return moved;
  }

  /** Remove the watch at `path` and all below it (the directory left the tree or vanished). */
  dropTree(path: string): void {
    const prefix = path + '/';
    for (const watch of [...this.byWd.values()]) {
      if (watch.path !== path && !watch.path.startsWith(prefix)) continue;
      this.backend.rmWatch(watch.wd);
      this.forget(watch.wd);
    }
  }

  /**
   * True when `raw` is the echo of one of tswatch's own directory reads (an IN_OPEN, IN_ACCESS or
   * IN_CLOSE_NOWRITE with IN_ISDIR): it must not reach the user, who did nothing. On the directory's own
   * watch the reads are counted, each ended by its IN_CLOSE_NOWRITE; that watch is new, so no older
   * event of the user's is in the count. On the parent's watch, where the user may well have opened the
   * new directory just before (`mkdir -p` does), counting would be fooled: there an event is an echo
   * only when the kernel's twin on the directory's own watch, which it queues right after, is one.
   * A user reading the directory meanwhile produces the same events; as many are dropped as tswatch
   * caused, so the counts stay right.
   */
  takeEcho(raw: RawEvent, next: RawEvent | undefined): boolean {
    if (this.echoes.size === 0 || !(raw.mask & IN_ISDIR) || !(raw.mask & SCAN_ECHO)) return false;
    if (raw.name !== '') {
      const parent = this.byWd.get(raw.wd);
      const child = parent && this.byPath.get(joinPath(parent.path, raw.name));
      return child !== undefined && next?.wd === child && next.name === '' && next.mask === raw.mask && this.echoes.has(child);
    }
    const pending = this.echoes.get(raw.wd);
    if (pending === undefined) return false;
    if (raw.mask & IN_CLOSE_NOWRITE) {
      if (pending > 1) this.echoes.set(raw.wd, pending - 1);
      else this.echoes.delete(raw.wd);
    }
    return true;
  }

  /** tswatch itself has just read the directory at `path` (a snapshot): its echo is not the user's. */
  noteOwnRead(path: string): void {
    const watch = this.watch(this.byPath.get(path) ?? -1);
    if (watch !== undefined) this.expectEcho(watch);
  }

  /** What a process adopting this inotify fd needs to read its queue as this one would (see adoptState). */
  exportState(): WatchState {
    const entries: WatchState['entries'] = [];
    for (const watch of this.byWd.values()) if (watch.entries !== undefined) entries.push([watch.path, [...watch.entries]]);
    return { echoes: [...this.echoes], entries };
  }

  /**
   * Take over the state of the process whose inotify fd this one inherited, once the same watches are
   * added again: the echoes its reads queued, and each directory's entries as it knew them, so what the
   * queue holds since is neither dropped nor repeated. A directory it did not watch starts empty: its
   * IN_CREATE, queued meanwhile, scans it and reports all it holds.
   */
  adoptState(state: WatchState): void {
    for (const [wd, count] of state.echoes) this.echoes.set(wd, (this.echoes.get(wd) ?? 0) + count);
    const known = new Map(state.entries);
    for (const watch of this.byWd.values()) {
      if (watch.entries === undefined) continue;
      watch.entries.clear();
      for (const [name, isDir] of known.get(watch.path) ?? []) watch.entries.set(name, isDir);
    }
  }

  /** After a queue overflow the echoes noted may never come: forget them rather than eat real events. */
  forgetEchoes(): void {
    this.echoes.clear();
  }

  /** Drop our record of a watch the kernel has already removed (IN_IGNORED). */
  forget(wd: number): void {
    const watch = this.byWd.get(wd);
    if (watch === undefined) return;
    this.echoes.delete(wd);
    this.byWd.delete(wd);
    if (this.byPath.get(watch.path) === wd) this.byPath.delete(watch.path);
  }

  // ---- internals ----

  /** Note the echo a read of `watch`'s directory has just queued on its own watch (see takeEcho). */
  private expectEcho(watch: Watch): void {
    // Oneshot watches get no IN_CLOSE_NOWRITE to end the echo with (see kernelMask).
    if (!(supportedMaskOf(this.backend, watch.wd) & SCAN_ECHO) || !(watch.mask & SCAN_ECHO) || watch.mask & IN_ONESHOT) return;
    this.echoes.set(watch.wd, (this.echoes.get(watch.wd) ?? 0) + 1);
  }

  private ensureWatch(path: string, settings: Omit<Watch, 'wd' | 'path' | 'entries'>, isDir: boolean, flags = 0): Watch {
    const known = this.byPath.get(path);
    const mask = u32(
      (settings.mask & IN_MASK_ADD ? (known === undefined ? 0 : this.byWd.get(known)!.mask) | settings.mask : settings.mask) &
        ~IN_MASK_ADD,
    );
    const wd = this.backend.addWatch(path, this.kernelMask(mask, isDir) | flags);
    warnUnsupported(this.backend, wd, mask, path);
    let watch = this.byWd.get(wd);
    if (watch === undefined) {
      watch = { wd, path, mask, procFun: undefined, autoAdd: false, excludeFilter: undefined, entries: isDir ? new Map() : undefined };
      this.byWd.set(wd, watch);
      this.byPath.set(path, wd);
    } else if (watch.path !== path) {
      // Same inode under another name: a rename we did not see (overflow) or a second addWatch.
      this.rehome(watch.path, path);
    }
    watch.mask = mask;
    watch.procFun = settings.procFun ?? watch.procFun;
    watch.autoAdd = settings.autoAdd;
    watch.excludeFilter = settings.excludeFilter;
    return watch;
  }

  private kernelMask(mask: number, isDir: boolean): number {
    // A oneshot watch must fire on the user's events only, so it gets no bookkeeping bits. A directory
    // watch that reports opens, reads or closes also gets IN_CLOSE_NOWRITE: it ends each scan's echo.
    const echoEnd = mask & SCAN_ECHO ? IN_CLOSE_NOWRITE : 0;
    const extra = isDir && !(mask & IN_ONESHOT) ? BOOKKEEPING | echoEnd : 0;
    return u32((mask | extra) & ~IN_MASK_ADD);
  }

  private isDirectory(path: string, mask: number): boolean {
    try {
      return (mask & IN_DONT_FOLLOW ? lstatSync(path) : statSync(path)).isDirectory();
    } catch (err) {
      throw errnoError(err as NodeJS.ErrnoException, 'watch', path);
    }
  }

  private normalizePath(path: string): string {
    const normal = normalize(path);
    return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
  }

  private expand(paths: string | readonly string[], doGlob: boolean): string[] {
    const list = typeof paths === 'string' ? [paths] : [...paths];
    const expanded = doGlob
      ? list.flatMap((p) => (isDynamicPattern(p) ? globSync(p, { onlyFiles: false, absolute: p.startsWith('/') }) : [p]))
      : list;
    return expanded.map((p) => this.normalizePath(p));
  }

  private select(wds: number | readonly number[], rec: boolean): Watch[] {
    const chosen = new Map<number, Watch>();
    for (const wd of typeof wds === 'number' ? [wds] : wds) {
      const watch = this.byWd.get(wd);
      if (watch === undefined) continue;
      chosen.set(wd, watch);
      if (!rec) continue;
      const prefix = joinPath(watch.path, '');
      for (const w of this.byWd.values()) if (w.path.startsWith(prefix)) chosen.set(w.wd, w);
    }
    return [...chosen.values()];
  }
}
