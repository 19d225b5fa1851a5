import { lstatSync, type Stats } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, sep } from 'node:path';
import type ParcelWatcher from '@parcel/watcher';
import { TswatchError } from '../errors.js';
import { IN_CREATE, IN_DELETE, IN_DELETE_SELF, IN_IGNORED, IN_ISDIR, IN_MODIFY } from '../masks.js';
import type { RawEvent } from './backend.js';
import { EmulatedBackend } from './emulated-backend.js';
import { type TableWatch, WatchTable } from './watch-table.js';

/** One recursive @parcel/watcher subscription; `live` once its subscribe promise resolved. */
interface Sub {
  root: string;
  live: boolean;
  failed: boolean;
  dropped: boolean;
  handle: ParcelWatcher.AsyncSubscription | undefined;
  done: Promise<void>;
}

/**
 * Every parcel subscribe/unsubscribe in the process runs one at a time. Parcel shares one native backend
 * per process and drops it when its last subscription goes; a subscribe racing that unsubscribe on
 * libuv's thread pool can attach to the dying backend and resolve, but never deliver an event.
 */
let parcelQueue: Promise<unknown> = Promise.resolve();
function serial<T>(op: () => Promise<T>): Promise<T> {
  const result = parcelQueue.then(op);
  parcelQueue = result.catch(() => {});
  return result;
}

/**
 * parcel's own inotify backend, named: left to choose, parcel prefers a watchman on PATH, whose events come
 * late and batched, and whose server can be missing or die; this backend claims inotify's behaviour.
 */
const PARCEL_OPTS: ParcelWatcher.Options = { backend: 'inotify' };

const isUnder = (path: string, root: string): boolean => path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);

/** The nearest proper ancestor of `path` in `roots`: a walk up, so thousands of watches stay cheap. */
function coveringRoot(path: string, roots: { has(key: string): boolean }): string | undefined {
  for (let dir = path, up = dirname(dir); up !== dir; dir = up, up = dirname(up)) if (roots.has(up)) return up;
  return undefined;
}

const target = (w: TableWatch): string => (w.isDir ? w.path : dirname(w.path));

/**
 * inotify emulated on @parcel/watcher, for when the native addon could not be built. Parcel reports
 * create / update / delete of paths (moves arrive as delete + create, attribute changes as update), so
 * only those are claimed. Parcel subscriptions are recursive: one per outermost watched directory
 * serves every watch below it, and events are routed to wds by path.
 */
export class ParcelBackend extends EmulatedBackend {
  readonly name = 'parcel';
  readonly supportedMask = IN_CREATE | IN_DELETE | IN_MODIFY | IN_DELETE_SELF | IN_IGNORED;
  private readonly parcel: typeof ParcelWatcher;
  /** A dropped watch changes the subscriptions only if a root exists for it. */
  private readonly table = new WatchTable((_wd, watch) => {
    if (this.subs.has(target(watch))) this.reconcile();
  });
  private readonly subs = new Map<string, Sub>();

  constructor() {
    super('@parcel/watcher');
    // Loaded here, not at import: a missing prebuilt binary must not break importing the library.
    try {
      this.parcel = createRequire(import.meta.url)('@parcel/watcher') as typeof ParcelWatcher;
    } catch (err) {
      throw new TswatchError(`@parcel/watcher could not be loaded: ${(err as Error).message}`, {
        code: 'ENOBACKEND',
        cause: err,
        hint: 'reinstall it (`npm install @parcel/watcher`) or build the native inotify addon',
      });
    }
  }

  addWatch(path: string, mask: number): number {
    const { wd, isNew } = this.table.add(path, mask);
    // Inside an existing root (the common case: a recursive tree) nothing changes in the subscriptions.
    const dir = target(this.table.get(wd)!);
    if (isNew && !this.subs.has(dir) && coveringRoot(dir, this.subs) === undefined) this.reconcile();
    return wd;
  }

  rmWatch(wd: number): void {
    if (!this.table.remove(wd)) return;
    // The kernel answers inotify_rm_watch with IN_IGNORED on a later read, never inside the call.
    queueMicrotask(() => this.emit([{ wd, mask: IN_IGNORED, cookie: 0, name: '' }]));
  }

  async ready(): Promise<void> {
    for (;;) {
      const pending = [...this.subs.values()].filter((s) => !s.live && !s.failed);
      if (pending.length === 0) return;
      await Promise.all(pending.map((s) => s.done));
    }
  }

  close(): void {
    if (!this.shut()) return;
    for (const sub of [...this.subs.values()]) this.drop(sub);
    this.table.clear();
  }

  // ---- subscriptions ----

  /**
   * Subscribe the outermost watched directories. A root no longer wanted is dropped only once what
   * replaces it is live (an outer root above it, or the inner roots below it), so no event falls between.
   */
  private reconcile(): void {
    if (this.closed) return;
    const targets = new Set([...this.table.values()].map(target));
    const wanted = new Set([...targets].filter((t) => coveringRoot(t, targets) === undefined));
    for (const root of wanted) if (!this.subs.has(root)) this.subscribe(root);
    const settled = (root: string) => this.subs.get(root)?.live || this.subs.get(root)?.failed;
    for (const sub of [...this.subs.values()]) {
      if (wanted.has(sub.root)) continue;
      const cover = coveringRoot(sub.root, wanted);
      const inner = [...wanted].filter((root) => isUnder(root, sub.root));
      if ((cover === undefined || settled(cover)) && inner.every(settled)) this.drop(sub);
    }
  }

  private subscribe(root: string): void {
    const sub: Sub = { root, live: false, failed: false, dropped: false, handle: undefined, done: Promise.resolve() };
    this.subs.set(root, sub);
    sub.done = serial(() => this.parcel.subscribe(root, (err, events) => this.onParcel(sub, err, events), PARCEL_OPTS)).then(
      (handle) => {
        sub.handle = handle;
        if (sub.dropped) return void serial(() => handle.unsubscribe()).catch(() => {});
        sub.live = true;
        this.reconcile();
      },
      (err: Error) => {
        sub.failed = true;
        if (sub.dropped) return;
        this.fail(err, root, `watching '${root}'`);
        this.reconcile();
      },
    );
  }

  private drop(sub: Sub): void {
    sub.dropped = true;
    sub.live = false;
    this.subs.delete(sub.root);
    // A root already deleted makes parcel's inotify_rm_watch fail: nothing left to release.
    const handle = sub.handle;
    if (handle) serial(() => handle.unsubscribe()).catch(() => {});
  }

  /** While an outer root and an inner one are both live, only the outer one speaks (no duplicates). */
  private onParcel(sub: Sub, err: Error | null, events: ParcelWatcher.Event[]): void {
    if (!sub.live || [...this.subs.values()].some((o) => o.live && o !== sub && isUnder(sub.root, o.root))) return;
    if (err) {
      this.fail(err, sub.root, `watching '${sub.root}'`);
      return;
    }
    // Parcel sorts by path. The kernel deletes children before parents and creates parents first.
    const deletes = events.filter((e) => e.type === 'delete').reverse();
    const out: RawEvent[] = [];
    for (const e of [...deletes, ...events.filter((e) => e.type !== 'delete')]) this.route(e.type, e.path, out);
    this.emit(out);
  }

  // ---- events ----

  private route(type: ParcelWatcher.EventType, path: string, out: RawEvent[]): void {
    const parentWd = this.table.wdOf(dirname(path));
    const parent = parentWd === undefined ? undefined : this.table.get(parentWd);
    const selfWd = this.table.wdOf(path);
    const self = selfWd === undefined ? undefined : this.table.get(selfWd);
    const name = basename(path);
    let st: Stats | undefined;
    try {
      st = type === 'delete' ? undefined : lstatSync(path);
    } catch {
      // already gone again: report it plain
    }
    // Parcel folds delete + re-create within one batch into 'update': a new inode means the watched
    // one is gone (an editor's atomic save), as the kernel would say with DELETE_SELF.
    const replaced = self !== undefined && st !== undefined && `${st.dev}:${st.ino}` !== self.inode;
    if (type === 'delete' || replaced) {
      // Kernel order: DELETE_SELF on the entry's own watch, DELETE in its parent, then IGNORED.
      if (self) this.table.push(out, selfWd!, IN_DELETE_SELF, '');
      if (parent?.isDir) this.table.push(out, parentWd!, IN_DELETE | (self?.isDir ? IN_ISDIR : 0), name);
      if (self && this.table.remove(selfWd!)) out.push({ wd: selfWd!, mask: IN_IGNORED, cookie: 0, name: '' });
      if (!replaced) return;
    }
    const isDir = st?.isDirectory() ?? self?.isDir ?? false;
    const bits = (type === 'create' || replaced ? IN_CREATE : IN_MODIFY) | (isDir ? IN_ISDIR : 0);
    if (parent?.isDir) this.table.push(out, parentWd!, bits, name);
    // The kernel never reports IN_CREATE on a watch's own path; an update is the entry changing.
    if (self && !replaced && type === 'update') this.table.push(out, selfWd!, bits, '');
  }
}
