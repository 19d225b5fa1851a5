import { EventEmitter } from 'node:events';
import { relative } from 'node:path';
import { ChangeGate } from './change-gate.js';
import { CoreEventRouter } from './core-event-router.js';
import { CoreTree } from './core-tree.js';
import { EntryTracker } from './entry-tracker.js';
import { EventOutlet } from './event-outlet.js';
import { excludedFilter } from './excluded-filter.js';
import { FollowedLinks } from './followed-links.js';
import { ignoreMatcher } from './ignore-matcher.js';
import { type ChokidarOptions, type FSWInstanceOptions, normalizeOptions } from './options.js';
import { WatchedPaths } from './watched-paths.js';

/** Errors chokidar never reports: the path went away meanwhile. */
const VANISHED = new Set(['ENOENT', 'ENOTDIR']);

/**
 * chokidar 5's FSWatcher on tswatch's core: new subtrees are reported exactly once, overflows are
 * recovered by a rescan, and a rename is `unlink` + `add` with the kernel's pair on `raw`. This class
 * is chokidar's API and the wiring: EntryTracker decides what is reported, CoreEventRouter reads the
 * core's events for it, EventOutlet hands the reports to listeners.
 */
export class FSWatcher extends EventEmitter {
  closed = false;
  readonly options: FSWInstanceOptions;
  private readonly paths: WatchedPaths;
  /** Made on the first path watched: a watcher that watches nothing holds no fd and no timer. */
  private mainTree: CoreTree | undefined;
  private readonly links: FollowedLinks;
  private readonly gate: ChangeGate | undefined;
  private readonly outlet: EventOutlet;
  private readonly tracker: EntryTracker;
  private readonly router: CoreEventRouter;
  private readonly queued: string[][] = [];
  private readyEmitted = false;
  private closing: Promise<void> | undefined;

  constructor(options: ChokidarOptions = {}) {
    super();
    this.options = normalizeOptions(options);
    this.paths = new WatchedPaths(this.options.cwd, this.options.depth);
    const { cwd, atomic, usePolling } = this.options;
    const ignore = ignoreMatcher(this.options.ignored, cwd, atomic !== false);
    const excluded = excludedFilter(this.paths, ignore);
    const handleError = (err: unknown): void => this.handleError(err);
    const main = (): CoreTree => this.main;
    this.links = new FollowedLinks(() => this.tree(), excluded, handleError);
    // The poll backend cannot tell a write's close: its changes are told as they come, throttled as chokidar does.
    this.gate = usePolling ? undefined : new ChangeGate((path) => this.outlet.emitEvent('change', path));
    this.outlet = new EventOutlet(this, this.options, this.paths, this.gate === undefined, () => this.readyEmitted, handleError);
    this.tracker = new EntryTracker(this.options, this.paths, ignore, excluded, main, this.links, this.outlet, this.gate, handleError);
    this.router = new CoreEventRouter(this, this.options, this.paths, main, this.links, this.tracker, this.outlet, this.gate);
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
      this.tracker.forgetBelow(abs);
    }
    return this;
  }

  /** Directory → the names in it being watched; keys relative to `cwd` when given. */
  getWatched(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    const { cwd } = this.options;
    for (const [dir, names] of this.tracker.children) {
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
    this.links.close();
    this.gate?.dispose();
    this.outlet.dispose();
    this.tracker.clear();
    this.closing = Promise.resolve();
    return this.closing;
  }

  private scanQueued(): void {
    if (this.closed) return;
    const report = !this.options.ignoreInitial;
    for (const list of this.queued.splice(0)) for (const p of list) this.tracker.addRoot(p, report);
    if (this.readyEmitted) return;
    void Promise.all([this.main, ...this.links.cores()].map((t) => t.ready())).then(() => {
      if (this.closed || this.readyEmitted || this.queued.length > 0) return;
      this.readyEmitted = true;
      this.emit('ready');
    });
  }

  private tree(): CoreTree {
    const { usePolling, interval } = this.options;
    return new CoreTree(
      { polling: usePolling, interval },
      (tree, event) => this.router.onCore(tree, event),
      (err) => this.handleError(err),
    );
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
