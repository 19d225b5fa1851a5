import { type Dirent, readdirSync } from 'node:fs';
import { warnUnsupported } from './backend-support.js';
import type { Backend, RawEvent } from './backends/backend.js';
import { selectBackend } from './backends/select.js';
import { DirEntries } from './dir-entries.js';
import { changeEntries } from './entries-change.js';
import { AddWatchResult } from './add-watch-result.js';
import { errnoError, TswatchError } from './errors.js';
import { type PathFilter, toPathFilter } from './exclude-filter.js';
import { joinPath } from './join-path.js';
import { kernelMask } from './kernel-mask.js';
import { learnTree } from './lazy-tree.js';
import { IN_CREATE, IN_DELETE, IN_DONT_FOLLOW, IN_ISDIR, IN_MASK_ADD, IN_ONLYDIR, u32 } from './masks.js';
import { metWatch } from './met-watch.js';
import { MutedWalk } from './muted-walk.js';
import { ScanEchoes } from './scan-echoes.js';
import type { AddWatchOptions, ScanSink, UpdateWatchOptions, Watch, WatchManagerOptions, WatchState } from './watch.js';
import { WatchIndex } from './watch-index.js';
import { expandPaths, isDirectoryAt, normalizePath } from './watch-paths.js';

export type { AddWatchOptions, ScanSink, UpdateWatchOptions, Watch, WatchManagerOptions, WatchState } from './watch.js';

/** Errors that mean "it is gone already": a race with the filesystem, not a failure. */
const VANISHED = new Set(['ENOENT', 'ENOTDIR', 'ESTALE', 'ELOOP']);

/** pyinotify's WatchManager: owns the backend, the wd ↔ path maps and recursion. */
export class WatchManager {
  readonly backend: Backend;
  /** The last error for each path that failed in a quiet addWatch. */
  readonly errors = new Map<string, TswatchError>();
  private readonly index = new WatchIndex();
  private readonly excludeFilter: PathFilter | undefined;
  private readonly echoes: ScanEchoes;
  private readonly walk: MutedWalk;

  constructor(options: WatchManagerOptions = {}) {
    const backend = options.backend;
    this.backend =
      backend === undefined || typeof backend === 'string' ? selectBackend(backend, { pollInterval: options.pollInterval }) : backend;
    this.excludeFilter = toPathFilter(options.excludeFilter);
    this.echoes = new ScanEchoes(this.index, this.backend);
    this.walk = new MutedWalk(this.index, this.backend, options.inherited ?? false);
  }

  /**
   * Watch `path` (or each of `paths`) for the events in `mask`. Returns path → wd for every path
   * watched, subdirectories included with `rec`; a path that failed maps to a negative wd (its error in
   * `errors`) when quiet. A subdirectory that failed always does: it never stops the rest of the tree.
   */
  addWatch(paths: string | readonly string[], mask: number, options: AddWatchOptions = {}): Record<string, number> {
    const result = new AddWatchResult(this.errors, options.quiet ?? true);
    const settings = {
      mask: u32(mask),
      procFun: options.procFun,
      autoAdd: options.autoAdd ?? false,
      excludeFilter: toPathFilter(options.excludeFilter) ?? this.excludeFilter,
    };
    for (const path of expandPaths(paths, options.doGlob ?? false)) {
      if (settings.excludeFilter?.(path)) continue;
      let watch: Watch;
      try {
        const isDir = isDirectoryAt(path, settings.mask);
        if (isDir) this.walk.begin(path, settings.mask);
        watch = this.ensureWatch(path, settings, isDir);
      } catch (err) {
        this.walk.end();
        result.fail(path, err as TswatchError);
        continue;
      }
      this.errors.delete(path);
      const before = new Set(this.index.wds());
      try {
        const sink = result.sinkFor(path);
        const arm = (top: string) => this.ensureWatch(top, { ...settings, lazy: true }, true, IN_DONT_FOLLOW | IN_ONLYDIR);
        const lazy = options.rec === true && settings.autoAdd && learnTree(this, watch, settings.excludeFilter, sink, arm);
        if (watch.entries) this.reconcile(watch, false, (options.rec ?? false) && !lazy, sink);
      } finally {
        this.walk.end();
      }
      result.wds[path] = watch.wd;
      for (const w of this.index.values()) if (!before.has(w.wd)) result.wds[w.path] = w.wd;
    }
    return result.wds;
  }

  /** Change the mask, handler or autoAdd of watches (and, with `rec`, of those below them). */
  updateWatch(wds: number | readonly number[], options: UpdateWatchOptions = {}): Record<number, boolean> {
    const result: Record<number, boolean> = {};
    for (const watch of this.index.select(wds, options.rec ?? false)) {
      try {
        if (options.mask !== undefined) {
          const mask = u32(options.mask & IN_MASK_ADD ? watch.mask | options.mask : options.mask);
          const wd = this.backend.addWatch(watch.path, kernelMask(mask, watch.entries !== undefined));
          if (wd !== watch.wd)
            throw new TswatchError(`'${watch.path}' is no longer the watched file`, { code: 'ESTALE', path: watch.path });
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
    for (const watch of this.index.select(wds, options.rec ?? false)) {
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
    return this.index.wdOf(normalizePath(path));
  }

  getPath(wd: number): string | undefined {
    return this.index.get(wd)?.path;
  }

  watch(wd: number): Watch | undefined {
    return this.index.get(wd);
  }

  watches(): IterableIterator<Watch> {
    return this.index.values();
  }

  get size(): number {
    return this.index.size;
  }

  /** Release the backend (the inotify fd). Watches are gone with it. */
  close(): void {
    this.backend.close();
    this.index.clear();
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
      if (!VANISHED.has((err as NodeJS.ErrnoException).code ?? ''))
        sink.error(errnoError(err as NodeJS.ErrnoException, 'scan', watch.path));
      return;
    }
    this.expectEcho(watch);
    const { gone, added } = changeEntries(watch.entries!, dirents);
    if (report) for (const [name, isDir] of gone) sink.event(watch, IN_DELETE | (isDir ? IN_ISDIR : 0), name);
    for (const dirent of added) {
      const isDir = dirent.isDirectory();
      if (report) sink.event(watch, IN_CREATE | (isDir ? IN_ISDIR : 0), dirent.name);
      if (isDir && descend) this.addSubdir(watch, joinPath(watch.path, dirent.name), report, sink);
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

  /** The backend met a directory of a lazily learnt tree (RAW_MEET): watch it as `wd` (see metWatch). */
  meet(wd: number, parentWd: number, name: string): void {
    const watch = metWatch(this.index.get(parentWd), wd, name);
    if (watch === undefined) this.backend.rmWatch(wd);
    else this.index.add(watch);
  }

  /** Move the watch at `from` and every watch below it to `to`. False when nothing was watched there. */
  rehome(from: string, to: string): boolean {
    return this.index.rehome(from, to);
  }

  /** Remove the watch at `path` and all below it (the directory left the tree or vanished). */
  dropTree(path: string): void {
    for (const watch of this.index.under(path)) {
      this.backend.rmWatch(watch.wd);
      this.forget(watch.wd);
    }
  }

  /** True when `raw` is the echo of one of tswatch's own directory reads (see ScanEchoes.take). */
  takeEcho(raw: RawEvent, next: RawEvent | undefined): boolean {
    return this.echoes.take(raw, next);
  }

  /** True when `raw` may be a scan's echo on the parent's watch, which only the record after it can tell. */
  awaitsTwin(raw: RawEvent): boolean {
    return this.echoes.awaitsTwin(raw);
  }

  /** tswatch itself has just read the directory at `path` (a snapshot): its echo is not the user's. */
  noteOwnRead(path: string): void {
    const watch = this.index.at(path);
    if (watch !== undefined) this.expectEcho(watch);
  }

  /** What a process adopting this inotify fd needs to read its queue as this one would (see adoptState). */
  exportState(): WatchState {
    return { echoes: this.echoes.export(), entries: this.index.entriesState() };
  }

  /**
   * Take over the state of the process whose inotify fd this one inherited, once the same watches are
   * added again: the echoes its reads queued, and each directory's entries as it knew them, so what the
   * queue holds since is neither dropped nor repeated. A directory it did not watch starts empty: its
   * IN_CREATE, queued meanwhile, scans it and reports all it holds.
   */
  adoptState(state: WatchState): void {
    this.echoes.adopt(state.echoes);
    this.index.adoptEntries(state.entries);
  }

  /** After a queue overflow the echoes noted may never come: forget them rather than eat real events. */
  forgetEchoes(): void {
    this.echoes.clear();
  }

  /** Drop our record of a watch the kernel has already removed (IN_IGNORED). */
  forget(wd: number): void {
    if (this.index.remove(wd) !== undefined) this.echoes.forget(wd);
  }

  // ---- internals ----

  /** Note the echo a read of `watch`'s directory has just queued on its own watch (see takeEcho). */
  private expectEcho(watch: Watch): void {
    if (!this.walk.has(watch.wd)) this.echoes.expect(watch);
  }

  private ensureWatch(path: string, settings: Omit<Watch, 'wd' | 'path' | 'entries'>, isDir: boolean, flags = 0): Watch {
    const known = this.index.at(path);
    const mask = u32((settings.mask & IN_MASK_ADD ? (known === undefined ? 0 : known.mask) | settings.mask : settings.mask) & ~IN_MASK_ADD);
    const kernel = kernelMask(mask, isDir) | flags;
    const wd = this.backend.addWatch(path, this.walk.arm(kernel, isDir));
    this.walk.armed(wd, isDir, flags);
    warnUnsupported(this.backend, wd, mask, path);
    if (known?.partial && known.wd !== wd) {
      // Met by an event before, under another wd: this watch replaces that one.
      this.index.remove(known.wd);
      this.backend.rmWatch(known.wd);
    }
    let watch = this.index.get(wd);
    if (watch === undefined) {
      watch = {
        wd,
        path,
        mask,
        procFun: undefined,
        autoAdd: false,
        excludeFilter: undefined,
        entries: isDir ? new DirEntries() : undefined,
      };
      this.index.add(watch);
    } else if (watch.path !== path) {
      // Same inode under another name: a rename we did not see (overflow) or a second addWatch.
      this.index.rehome(watch.path, path);
    }
    watch.mask = mask;
    watch.procFun = settings.procFun ?? watch.procFun;
    watch.autoAdd = settings.autoAdd;
    watch.excludeFilter = settings.excludeFilter;
    if (settings.lazy) watch.lazy = true;
    return watch;
  }
}
