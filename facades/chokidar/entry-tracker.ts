import { type Dirent, lstatSync, readdirSync, readlinkSync, type Stats, statSync } from 'node:fs';
import { basename, dirname, normalize, resolve } from 'node:path';
import type { ChangeGate } from './change-gate.js';
import { type CoreTree, WATCH_MASK } from './core-tree.js';
import type { EventOutlet } from './event-outlet.js';
import type { FollowedLinks } from './followed-links.js';
import type { IgnoreTest } from './ignore-matcher.js';
import { joinPath } from './join-path.js';
import type { FSWInstanceOptions } from './options.js';
import type { Root, WatchedPaths } from './watched-paths.js';

/**
 * What the watcher has reported and not yet taken back, kept in step with the disk: watched paths are
 * armed on the core, entries that appear are reported once (`add`/`addDir`, a whole subtree when it
 * moves in), and entries that go are taken back below-first (`unlink`/`unlinkDir`).
 */
export class EntryTracker {
  /** Every path reported and not gone since → is a directory. */
  readonly known = new Map<string, boolean>();
  /** Directories whose entries are followed (and the parents of watched paths) → entry names. */
  readonly children = new Map<string, Set<string>>();

  constructor(
    private readonly options: FSWInstanceOptions,
    private readonly paths: WatchedPaths,
    private readonly ignore: IgnoreTest,
    private readonly excluded: (path: string) => boolean,
    /** The core for real paths, made on first use: a watcher that watches nothing holds no fd. */
    private readonly main: () => CoreTree,
    private readonly links: FollowedLinks,
    private readonly outlet: EventOutlet,
    private readonly gate: ChangeGate | undefined,
    private readonly handleError: (err: unknown) => void,
  ) {}

  /** A path given to add(): arm the core for it and scan it; `report` is off with `ignoreInitial`. */
  addRoot(p: string, report: boolean): void {
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
      if (report) this.outlet.emitEvent('addDir', abs, st);
      this.walk(abs, report);
      return;
    }
    root.kind = st === undefined ? 'missing' : 'file';
    this.watchParent(abs);
    if (st === undefined && lst?.isSymbolicLink()) this.awaitTarget(abs);
    if (st !== undefined) this.appeared(abs, report, false);
  }

  private armDir(root: Root): void {
    const main = this.main();
    const { wm } = main;
    wm.addWatch(root.abs, WATCH_MASK & main.supportedMask, { rec: true, autoAdd: true, quiet: true, excludeFilter: this.excluded });
    for (const err of wm.errors.values()) this.handleError(err);
    wm.errors.clear();
  }

  /** A file (or a path not there yet) is seen through its parent directory, as chokidar does. */
  private watchParent(abs: string): void {
    const parent = dirname(abs);
    const main = this.main();
    const { wm } = main;
    if (wm.getWd(parent) !== undefined) return;
    try {
      wm.addWatch(parent, WATCH_MASK & main.supportedMask, { quiet: false });
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
    this.links.dangling.set(target, abs);
    this.watchParent(target);
  }

  private walk(dir: string, report: boolean): void {
    let dirents: Dirent[];
    try {
      dirents = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      this.handleError(err);
      return;
    }
    if (!this.children.has(dir)) this.children.set(dir, new Set());
    for (const d of dirents)
      this.appeared(joinPath(dir, d.name), report, false, true, d.isDirectory() ? 'dir' : d.isSymbolicLink() ? 'link' : 'file');
  }

  /**
   * An entry is there: report it (`add`/`addDir`, or `change` when it replaced a known file) unless out
   * of scope or ignored. With `walkInto`, a directory's contents are reported too (a scan, a directory
   * moved in, a followed link); otherwise the core's own scan of the new directory tells them.
   */
  appeared(abs: string, report: boolean, replaced: boolean, walkInto = true, hint?: 'dir' | 'file' | 'link'): void {
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
        if (!isDir && replaced && report) this.outlet.emitEvent('change', abs, stats);
        return;
      }
      this.vanished(abs); // a directory became a file or the other way round, unseen
    }
    const root = this.paths.roots.get(abs);
    if (!isDir) {
      if (!ignorePermissionErrors && stats !== undefined && !(stats.mode & 0o400)) return; // chokidar's read check
      if (root !== undefined) root.kind = 'file';
      this.noteEntry(abs, false);
      if (isLink && followSymlinks) this.links.follow(abs, false);
      if (report) this.outlet.emitEvent('add', abs, stats);
      return;
    }
    if (isLink && followSymlinks && this.links.circular(abs)) {
      const err = Object.assign(new Error(`ELOOP: circular symbolic link, '${shown}'`), { code: 'ELOOP', path: shown });
      this.handleError(err);
      return;
    }
    this.noteEntry(abs, true);
    if (report) this.outlet.emitEvent('addDir', abs, stats);
    if (root !== undefined && root.kind !== 'dir') {
      root.kind = 'dir';
      this.armDir(root);
      walkInto = true;
    }
    if (!this.paths.descends(abs)) return;
    if (isLink && followSymlinks) {
      this.links.follow(abs, true);
      walkInto = true;
    }
    if (walkInto) this.walk(abs, report);
    else if (!this.children.has(abs)) this.children.set(abs, new Set());
  }

  /** An entry is gone: `unlink`/`unlinkDir`, after everything known below it. */
  vanished(abs: string): void {
    const isDir = this.known.get(abs);
    if (isDir === undefined) return;
    if (isDir) {
      for (const name of this.children.get(abs) ?? []) this.vanished(joinPath(abs, name));
      this.children.delete(abs);
    }
    this.known.delete(abs);
    this.children.get(dirname(abs))?.delete(basename(abs));
    this.links.unfollow(abs);
    this.gate?.forget(abs);
    this.outlet.emitEvent(isDir ? 'unlinkDir' : 'unlink', abs);
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
  forgetBelow(abs: string): void {
    const prefix = joinPath(abs, '');
    for (const path of [...this.known.keys()]) {
      if (path !== abs && !path.startsWith(prefix)) continue;
      this.known.delete(path);
      this.children.delete(path);
      this.links.unfollow(path);
    }
    this.children.delete(abs);
  }

  /** Forget everything (close): nothing is taken back. */
  clear(): void {
    this.known.clear();
    this.children.clear();
  }
}
