import { EventEmitter } from 'node:events';
import { type Dirent, lstatSync, readdirSync, readlinkSync, realpathSync, type Stats, statSync } from 'node:fs';
import { basename, dirname, normalize, relative, resolve } from 'node:path';
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
import { ChangeGate } from './change-gate.js';
import { CoreTree } from './core-tree.js';
import { DeadlineMap } from './deadline-map.js';
import { type IgnoreTest, ignoreMatcher } from './ignore-matcher.js';
import { type ChokidarOptions, type FSWInstanceOptions, normalizeOptions } from './options.js';
import { type Root, WatchedPaths } from './watched-paths.js';
import { WriteFinish } from './write-finish.js';

export type EventName = 'add' | 'addDir' | 'change' | 'unlink' | 'unlinkDir';
export type EmitArgs = [path: string, stats?: Stats];

/** What `raw` carries besides the kernel's event name and path: a paired rename's source is `from`. */
export interface RawDetails {
  watchedPath: string;
  mask: number;
  cookie: number;
  from?: string;
}

export interface FSWatcherEventMap {
  add: EmitArgs;
  addDir: EmitArgs;
  change: EmitArgs;
  unlink: EmitArgs;
  unlinkDir: EmitArgs;
  all: [event: EventName, path: string, stats?: Stats];
  ready: [];
  raw: [event: string, path: string, details: RawDetails];
  error: [error: unknown];
}

/** What the facade asks the core for: entries appearing, going, changing; the watched path's own end. */
const MASK = IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF;

/** Errors chokidar never reports: the path went away meanwhile. */
const VANISHED = new Set(['ENOENT', 'ENOTDIR']);


const joinPath = (dir: string, name: string): string => (dir.endsWith('/') ? dir + name : `${dir}/${name}`);

/**
 * chokidar 5's FSWatcher on tswatch's core: new subtrees are reported exactly once, overflows are
 * recovered by a rescan, and a rename is `unlink` + `add` with the kernel's pair on `raw`.
 */
export class FSWatcher extends EventEmitter {
  closed = false;
  readonly options: FSWInstanceOptions;
  private readonly paths: WatchedPaths;
  /** Made on the first path watched: a watcher that watches nothing holds no fd and no timer. */
  private mainTree: CoreTree | undefined;
  private readonly links = new Map<string, CoreTree>();
  /** Where a watched link that points nowhere yet points → the link: its target appearing is the link's. */
  private readonly dangling = new Map<string, string>();
  /** Every path reported and not gone since → is a directory. */
  private readonly known = new Map<string, boolean>();
  /** Directories whose entries are followed (and the parents of watched paths) → entry names. */
  private readonly children = new Map<string, Set<string>>();
  private readonly ignore: IgnoreTest;
  private readonly gate: ChangeGate | undefined;
  private readonly throttled = new DeadlineMap<string, true>(50, () => {});
  private readonly pendingUnlinks: DeadlineMap<string, EmitArgs>;
  private readonly writeFinish: WriteFinish | undefined;
  private readonly queued: string[][] = [];
  private readyEmitted = false;
  private closing: Promise<void> | undefined;

  constructor(options: ChokidarOptions = {}) {
    super();
    this.options = normalizeOptions(options);
    this.paths = new WatchedPaths(this.options.cwd, this.options.depth);
    const { cwd, atomic, awaitWriteFinish } = this.options;
    this.ignore = ignoreMatcher(this.options.ignored, cwd, atomic !== false);
    // The poll backend cannot tell a write's close: its changes are told as they come, throttled as chokidar does.
    this.gate = this.options.usePolling ? undefined : new ChangeGate((path) => this.emitEvent('change', path));
    this.pendingUnlinks = new DeadlineMap(typeof atomic === 'number' ? atomic : 100, (_path, args) => this.deliver('unlink', args));
    if (awaitWriteFinish) {
      this.writeFinish = new WriteFinish(awaitWriteFinish, (event, path, stats) => this.deliver(event, [path, stats]), (err) => this.handleError(err));
    }
  }

  private get main(): CoreTree {
    this.mainTree ??= this.tree();
    return this.mainTree;
  }

  /** Watch more paths (files, directories, or paths that do not exist yet). */
  add(paths: string | readonly string[]): this {
    const list = flatPaths(paths);
    for (const p of list) this.paths.unwatched.delete(this.paths.absolute(p));
    if (this.queued.push(list) === 1) setImmediate(() => this.scanQueued());
    return this;
  }

  /** Stop reporting these paths (and what is below them); `add` them again to undo. */
  unwatch(paths: string | readonly string[]): this {
    if (this.closed) return this;
    for (const p of flatPaths(paths)) {
      const abs = this.paths.absolute(p);
      this.paths.unwatched.add(abs);
      const root = this.paths.roots.get(abs);
      if (root !== undefined) {
        this.paths.roots.delete(abs);
        const wd = this.mainTree?.wm.getWd(abs);
        if (root.kind === 'dir' && wd !== undefined) this.main.wm.rmWatch(wd, { rec: true });
      }
      this.forgetBelow(abs);
    }
    return this;
  }

  /** Directory → the names in it being watched; keys relative to `cwd` when given. */
  getWatched(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    const { cwd } = this.options;
    for (const [dir, names] of this.children) {
      const shown = this.paths.chokidarPath(dir);
      out[(cwd ? relative(cwd, shown) : shown) || '.'] = [...names].sort();
    }
    return out;
  }

  /** Stop everything; the same promise every time. */
  close(): Promise<void> {
    if (this.closing !== undefined) return this.closing;
    this.closed = true;
    this.removeAllListeners();
    this.mainTree?.close();
    for (const tree of this.links.values()) tree.close();
    this.links.clear();
    this.gate?.dispose();
    this.throttled.clear();
    this.pendingUnlinks.clear();
    this.writeFinish?.dispose();
    this.known.clear();
    this.children.clear();
    this.dangling.clear();
    this.closing = Promise.resolve();
    return this.closing;
  }

  // ---- arming and scanning ----

  private scanQueued(): void {
    if (this.closed) return;
    const report = !this.options.ignoreInitial;
    for (const list of this.queued.splice(0)) for (const p of list) this.addRoot(p, report);
    if (this.readyEmitted) return;
    void Promise.all([this.main, ...this.links.values()].map((t) => t.ready())).then(() => {
      if (this.closed || this.readyEmitted || this.queued.length > 0) return;
      this.readyEmitted = true;
      this.emit('ready');
    });
  }

  private addRoot(p: string, report: boolean): void {
    const abs = this.paths.absolute(p);
    if (this.paths.unwatched.has(abs)) return;
    const given = this.options.cwd ? abs : normalize(p);
    const root: Root = this.paths.roots.get(abs) ?? { abs, given, kind: 'missing' };
    this.paths.roots.set(abs, root);
    if (this.ignore(this.paths.chokidarPath(abs))) return;
    if (this.known.has(abs)) return; // already reported (a second add of the same path)
    let lst: Stats | undefined;
    let st: Stats | undefined;
    try {
      lst = lstatSync(abs);
      st = lst.isSymbolicLink() && this.options.followSymlinks ? statSync(abs) : lst;
    } catch {
      // not there (yet): its parent tells when it comes
    }
    if (st?.isDirectory()) {
      root.kind = 'dir';
      this.armDir(root);
      this.noteEntry(abs, true);
      if (report) this.emitEvent('addDir', abs, st);
      this.walk(abs, report);
      return;
    }
    root.kind = st === undefined ? 'missing' : 'file';
    this.watchParent(abs);
    if (st === undefined && lst?.isSymbolicLink()) this.awaitTarget(abs);
    if (st !== undefined) this.appeared(abs, report, false);
  }

  private armDir(root: Root): void {
    const { wm } = this.main;
    wm.addWatch(root.abs, MASK & this.main.supportedMask, { rec: true, autoAdd: true, quiet: true, excludeFilter: this.excluded });
    for (const err of wm.errors.values()) this.handleError(err);
    wm.errors.clear();
  }

  /** A file (or a path not there yet) is seen through its parent directory, as chokidar does. */
  private watchParent(abs: string): void {
    const parent = dirname(abs);
    const { wm } = this.main;
    if (wm.getWd(parent) !== undefined) return;
    try {
      wm.addWatch(parent, MASK & this.main.supportedMask, { quiet: false });
    } catch (err) {
      this.handleError(err);
    }
  }

  /** A watched link to nothing yet: watch where its target will appear. */
  private awaitTarget(abs: string): void {
    let target: string;
    try {
      target = resolve(dirname(abs), readlinkSync(abs));
    } catch {
      return;
    }
    this.dangling.set(target, abs);
    this.watchParent(target);
  }

  /** Not watched by the core: below `depth`, ignored, or unwatched. */
  private readonly excluded = (path: string): boolean => {
    if (!this.paths.descends(path) || this.paths.unwatchedCovers(path)) return true;
    if (this.ignore(this.paths.chokidarPath(path))) return true;
    if (!this.ignore.wantsStats) return false;
    try {
      return this.ignore(this.paths.chokidarPath(path), statSync(path));
    } catch {
      return true;
    }
  };

  private walk(dir: string, report: boolean): void {
    let dirents: Dirent[];
    try {
      dirents = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      this.handleError(err);
      return;
    }
    if (!this.children.has(dir)) this.children.set(dir, new Set());
    for (const d of dirents) this.appeared(joinPath(dir, d.name), report, false, true, d.isDirectory() ? 'dir' : d.isSymbolicLink() ? 'link' : 'file');
  }

  /**
   * An entry is there: report it (`add`/`addDir`, or `change` when it replaced a known file) unless out
   * of scope or ignored. With `walkInto`, a directory's contents are reported too (a scan, a directory
   * moved in, a followed link); otherwise the core's own scan of the new directory tells them.
   */
  private appeared(abs: string, report: boolean, replaced: boolean, walkInto = true, hint?: 'dir' | 'file' | 'link'): void {
    if (!this.paths.inScope(abs)) return;
    const shown = this.paths.chokidarPath(abs);
    if (this.ignore(shown)) return;
    const { followSymlinks, alwaysStat, ignorePermissionErrors } = this.options;
    let stats: Stats | undefined;
    let isDir = hint === 'dir';
    let isLink = hint === 'link';
    const needStat = hint === undefined || isLink || alwaysStat || this.ignore.wantsStats || (!ignorePermissionErrors && hint === 'file');
    if (needStat) {
      try {
        stats = lstatSync(abs);
        isLink = stats.isSymbolicLink();
        // A link is what it points to when followed; one pointing nowhere is not reported, as in chokidar.
        const target = isLink ? statSync(abs) : stats;
        if (isLink && followSymlinks) stats = target;
        isDir = !isLink || followSymlinks ? stats.isDirectory() : false;
      } catch {
        return; // gone already, or a dangling link
      }
    }
    if (this.ignore.wantsStats && this.ignore(shown, stats)) return;
    const wasDir = this.known.get(abs);
    if (wasDir !== undefined) {
      if (wasDir === isDir) {
        if (!isDir && replaced && report) this.emitEvent('change', abs, stats);
        return;
      }
      this.vanished(abs); // a directory became a file or the other way round, unseen
    }
    const root = this.paths.roots.get(abs);
    if (!isDir) {
      if (!ignorePermissionErrors && stats !== undefined && !(stats.mode & 0o400)) return; // chokidar's read check
      if (root !== undefined) root.kind = 'file';
      this.noteEntry(abs, false);
      if (isLink && followSymlinks) this.follow(abs, false);
      if (report) this.emitEvent('add', abs, stats);
      return;
    }
    if (isLink && followSymlinks && this.circular(abs)) {
      const err = Object.assign(new Error(`ELOOP: circular symbolic link, '${shown}'`), { code: 'ELOOP', path: shown });
      this.handleError(err);
      return;
    }
    this.noteEntry(abs, true);
    if (report) this.emitEvent('addDir', abs, stats);
    if (root !== undefined && root.kind !== 'dir') {
      root.kind = 'dir';
      this.armDir(root);
      walkInto = true;
    }
    if (!this.paths.descends(abs)) return;
    if (isLink && followSymlinks) {
      this.follow(abs, true);
      walkInto = true;
    }
    if (walkInto) this.walk(abs, report);
    else if (!this.children.has(abs)) this.children.set(abs, new Set());
  }

  /** An entry is gone: `unlink`/`unlinkDir`, after everything known below it. */
  private vanished(abs: string): void {
    const isDir = this.known.get(abs);
    if (isDir === undefined) return;
    if (isDir) {
      for (const name of this.children.get(abs) ?? []) this.vanished(joinPath(abs, name));
      this.children.delete(abs);
    }
    this.known.delete(abs);
    this.children.get(dirname(abs))?.delete(basename(abs));
    this.unfollow(abs);
    this.gate?.forget(abs);
    this.emitEvent(isDir ? 'unlinkDir' : 'unlink', abs);
    const root = this.paths.roots.get(abs);
    if (root !== undefined) {
      root.kind = 'missing';
      this.watchParent(abs);
    }
  }

  private noteEntry(abs: string, isDir: boolean): void {
    this.known.set(abs, isDir);
    const parent = dirname(abs);
    let names = this.children.get(parent);
    if (names === undefined) {
      names = new Set();
      this.children.set(parent, names);
    }
    names.add(basename(abs));
  }

  /** Forget what is known at and below `abs`, saying nothing (unwatch). */
  private forgetBelow(abs: string): void {
    const prefix = joinPath(abs, '');
    for (const path of [...this.known.keys()]) {
      if (path !== abs && !path.startsWith(prefix)) continue;
      this.known.delete(path);
      this.children.delete(path);
      this.unfollow(path);
    }
    this.children.delete(abs);
  }

  // ---- symlinks ----

  /** Watch what the link at `abs` points to under the link's own name (a core of its own). */
  private follow(abs: string, isDir: boolean): void {
    if (this.links.has(abs)) return;
    const tree = this.tree();
    try {
      tree.wm.addWatch(abs, MASK & tree.supportedMask, isDir ? { rec: true, autoAdd: true, quiet: true, excludeFilter: this.excluded } : { quiet: false });
    } catch (err) {
      tree.close();
      this.handleError(err);
      return;
    }
    this.links.set(abs, tree);
  }

  private unfollow(abs: string): void {
    const tree = this.links.get(abs);
    if (tree === undefined) return;
    this.links.delete(abs);
    tree.close();
  }

  /** A link to a directory that holds it: following it would never end. */
  private circular(abs: string): boolean {
    try {
      const target = realpathSync(abs);
      const here = realpathSync(dirname(abs));
      return here === target || here.startsWith(joinPath(target, ''));
    } catch {
      return false;
    }
  }

  private tree(): CoreTree {
    const { usePolling, interval } = this.options;
    return new CoreTree({ polling: usePolling, interval }, (tree, event) => this.onCore(tree, event), (err) => this.handleError(err));
  }

  // ---- the core's events ----

  private onCore(tree: CoreTree, event: Event): void {
    if (this.closed) return;
    const { mask, name } = event;
    const path = event.pathname;
    if (this.listenerCount('raw') > 0) {
      const details: RawDetails = { watchedPath: event.path, mask, cookie: event.cookie };
      if (event.src_pathname !== undefined) details.from = event.src_pathname;
      this.emit('raw', event.maskname, path, details);
    }
    if (name === '') {
      // The watched path itself: a followed file link's target, or a watched directory's own end.
      if (mask & (IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE)) this.written(path, mask);
      else if (mask & (IN_DELETE_SELF | IN_MOVE_SELF) && tree === this.main && this.paths.roots.get(path)?.kind === 'dir') this.vanished(path);
      return;
    }
    if (mask & (IN_CREATE | IN_MOVED_TO)) {
      const link = this.dangling.get(path);
      if (link !== undefined) {
        this.dangling.delete(path);
        this.appeared(link, true, false);
      }
      const moved = (mask & IN_MOVED_TO) !== 0;
      // No hint from the event: a polled link to a directory is told as a directory; lstat says which.
      this.appeared(path, true, moved, moved);
      if (mask & IN_CREATE && !event.dir && !event.synthetic) this.gate?.created(path);
    } else if (mask & (IN_DELETE | IN_MOVED_FROM)) {
      // A file already replaced by another at the same path (polling sees only states): one change.
      if (this.known.get(path) === false && this.kindNow(path) === 'file') this.emitEvent('change', path);
      else this.vanished(path);
    } else if (mask & (IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE)) {
      this.written(path, mask);
    }
  }

  private written(path: string, mask: number): void {
    if (this.known.get(path) !== false) return;
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
    else this.emitEvent('change', path);
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

  // ---- emitting, chokidar's way ----

  private emitEvent(event: EventName, abs: string, stats?: Stats): void {
    if (this.closed) return;
    const { cwd, atomic, alwaysStat } = this.options;
    const shown = this.paths.chokidarPath(abs);
    const path = cwd ? relative(cwd, shown) : shown;
    const awf = this.writeFinish;
    if (awf?.has(path)) {
      if (event !== 'unlink') {
        awf.touch(path);
        return;
      }
      if (awf.cancel(path) === 'add') return; // never announced: nothing to take back
    }
    if (atomic !== false) {
      // An unlink followed by an add of the same path soon after is an editor's save: one change.
      if (event === 'unlink') {
        this.pendingUnlinks.set(path, [path]);
        return;
      }
      if (event === 'add' && this.pendingUnlinks.delete(path)) event = 'change';
    }
    if (awf && (event === 'add' || event === 'change') && this.readyEmitted) {
      awf.hold(event, path, abs);
      return;
    }
    if (event === 'change' && this.gate === undefined) {
      if (this.throttled.has(path)) return;
      this.throttled.set(path, true);
    }
    if (alwaysStat && stats === undefined && (event === 'add' || event === 'addDir' || event === 'change')) {
      try {
        stats = statSync(abs);
      } catch {
        return; // gone meanwhile: chokidar says nothing rather than give no stats
      }
    }
    this.deliver(event, stats === undefined ? [path] : [path, stats]);
  }

  private deliver(event: EventName, args: EmitArgs): void {
    if (this.closed) return;
    this.emit(event, ...args);
    this.emit('all', event, ...args);
  }

  private handleError(err: unknown): void {
    const code = (err as NodeJS.ErrnoException | undefined)?.code ?? '';
    if (VANISHED.has(code) || this.closed) return;
    if (this.options.ignorePermissionErrors && (code === 'EPERM' || code === 'EACCES')) return;
    if (this.listenerCount('error') > 0) this.emit('error', err);
    else process.stderr.write(`tswatch/chokidar: ${(err as Error).message ?? String(err)}\n`);
  }
}

/** chokidar's path list: strings, arrays of them, nested arrays too; anything else is a TypeError. */
function flatPaths(paths: string | readonly string[]): string[] {
  const list = (Array.isArray(paths) ? paths : [paths]).flat(Infinity) as unknown[];
  if (!list.every((p) => typeof p === 'string')) throw new TypeError(`Non-string provided as watch path: ${list.join(',')}`);
  return list as string[];
}
