import { type Dirent, lstatSync, readdirSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, resolve } from 'node:path';
import type { FSWatcher } from 'chokidar';
import { TswatchError } from '../errors.js';
import { IN_CREATE, IN_DELETE, IN_DELETE_SELF, IN_IGNORED, IN_ISDIR, IN_MODIFY } from '../masks.js';
import type { RawEvent } from './backend.js';
import { EmulatedBackend } from './emulated-backend.js';
import { FileStates } from './file-states.js';
import { WatchTable } from './watch-table.js';

export interface PollBackendOptions {
  /** Milliseconds between two stats of the same path (chokidar's `interval`). Default 100. */
  interval?: number;
}

type ChokidarEvent = 'add' | 'addDir' | 'change' | 'unlink' | 'unlinkDir';

/** What a chokidar event about an entry of a watched directory means there. */
const ENTRY_BITS: Record<ChokidarEvent, number> = {
  add: IN_CREATE,
  addDir: IN_CREATE | IN_ISDIR,
  change: IN_MODIFY,
  unlink: IN_DELETE,
  unlinkDir: IN_DELETE | IN_ISDIR,
};

interface PollWatch {
  watcher: FSWatcher;
  /** The watched path resolved: what chokidar was given (it names everything under it). */
  real: string;
  ready: Promise<void>;
  /** Until chokidar's first scan is done: entries it finds that are in `seen` are not new. */
  initial: boolean;
  /** A directory's entries as reported so far (name → is a directory); undefined on a file. */
  seen: Map<string, boolean> | undefined;
  /** The files it covers as last compared: tswatch tells their changes itself (see FileStates). */
  files: FileStates;
}

function listDir(path: string): Dirent[] {
  try {
    return readdirSync(path, { withFileTypes: true });
  } catch {
    return []; // gone or unreadable: its parent or the orphan check reports that
  }
}

const joinPath = (dir: string, name: string): string => (dir.endsWith('/') ? dir + name : `${dir}/${name}`);

/**
 * inotify emulated by polling through chokidar (`usePolling`): the one way to see changes on NFS, SMB,
 * SSHFS or 9p mounts, made by other hosts the kernel never hears about. One non-recursive chokidar
 * watcher per watch, as inotify has (the core adds subdirectories itself). Polling sees states, not
 * operations: a rename is a delete and a create, and opens, reads and closes are invisible.
 */
export class PollBackend extends EmulatedBackend {
  readonly name = 'poll';
  readonly supportedMask = IN_CREATE | IN_DELETE | IN_MODIFY | IN_DELETE_SELF | IN_IGNORED;
  readonly interval: number;
  private readonly chokidar: typeof import('chokidar');
  private readonly table = new WatchTable((wd) => this.release(wd));
  private readonly polls = new Map<number, PollWatch>();
  private orphanTimer: NodeJS.Timeout | undefined;
  private comparing = false;

  constructor(options: PollBackendOptions = {}) {
    super('chokidar');
    this.interval = options.interval ?? 100;
    if (!(Number.isFinite(this.interval) && this.interval > 0)) {
      throw new TswatchError(`poll interval ${options.interval} is not a positive number of milliseconds`, {
        code: 'EBADPOLL',
        hint: 'give the poll interval in milliseconds, e.g. 100 (more: less CPU, later events)',
      });
    }
    // Loaded here, not at import: the library imports fine without chokidar unless polling is wanted.
    try {
      this.chokidar = createRequire(import.meta.url)('chokidar') as typeof import('chokidar');
    } catch (err) {
      throw new TswatchError(`chokidar could not be loaded: ${(err as Error).message}`, {
        code: 'ENOBACKEND',
        cause: err,
        hint: 'reinstall it (`npm install chokidar@^5`)',
      });
    }
  }

  addWatch(path: string, mask: number): number {
    const { wd, isNew } = this.table.add(path, mask);
    if (isNew) this.poll(wd);
    this.orphanTimer ??= setInterval(() => {
      this.checkOrphans();
      void this.compareFiles();
    }, this.interval);
    return wd;
  }

  rmWatch(wd: number): void {
    if (!this.forget(wd)) return;
    // The kernel answers inotify_rm_watch with IN_IGNORED on a later read, never inside the call.
    queueMicrotask(() => this.emit([{ wd, mask: IN_IGNORED, cookie: 0, name: '' }]));
  }

  async ready(): Promise<void> {
    await Promise.all([...this.polls.values()].map((p) => p.ready));
  }

  close(): void {
    if (!this.shut()) return;
    clearInterval(this.orphanTimer);
    for (const wd of [...this.polls.keys()]) this.forget(wd);
    this.table.clear();
  }

  /**
   * Start chokidar on a watch; `seen` holds the entries already reported (name → is a directory), `files`
   * their states. Both are taken here, before chokidar starts, so the watch's baseline is what was there
   * before it was ready.
   */
  private poll(wd: number, seen?: Map<string, boolean>, files?: FileStates): void {
    const watch = this.table.get(wd)!;
    if (files === undefined) {
      files = new FileStates();
      if (!watch.isDir) files.take('', watch.path);
    }
    if (watch.isDir && seen === undefined) {
      seen = new Map();
      for (const d of listDir(watch.path)) {
        seen.set(d.name, d.isDirectory());
        if (!d.isDirectory()) files.take(d.name, joinPath(watch.path, d.name));
      }
    }
    // inotify follows the watched path itself but never an entry: chokidar is given the path resolved and
    // told not to follow links, so a link to a directory stays an entry, as the core expects.
    let real = watch.path;
    try {
      real = realpathSync(watch.path);
    } catch {
      // gone already: the orphan check reports it
    }
    const watcher = this.chokidar.watch(real, {
      followSymlinks: false,
      usePolling: true,
      interval: this.interval,
      binaryInterval: this.interval,
      depth: 0,
      ignoreInitial: false,
      ignorePermissionErrors: true,
      atomic: false,
      // chokidar can leave a stat poller behind when closed mid-scan; unref'd, it cannot keep the
      // process alive. The orphan check's timer does that while the backend is open.
      persistent: false,
    });
    const entry: PollWatch = {
      watcher,
      real,
      seen,
      files,
      initial: true,
      ready: new Promise((done) => watcher.once('ready', () => done())),
    };
    this.polls.set(wd, entry);
    const named = (path: string): string => {
      const abs = resolve(path);
      return abs === real ? watch.path : abs.startsWith(`${real}/`) ? joinPath(watch.path, abs.slice(real.length + 1)) : abs;
    };
    watcher.on('all', (event, path) => this.onChange(wd, entry, event as ChokidarEvent, named(path)));
    watcher.on('error', (err) => this.fail(err as Error, watch.path, `polling '${watch.path}'`));
    void entry.ready.then(() => {
      entry.initial = false;
      if (seen !== undefined) setTimeout(() => this.verify(wd, entry), 2 * this.interval).unref();
    });
  }

  /**
   * chokidar lists a directory, then starts polling it: a change in between is never reported. Once its
   * poller runs, compare its listing with the directory; if they differ, report what it missed by
   * starting it again from what was reported.
   */
  private verify(wd: number, entry: PollWatch): void {
    const watch = this.table.get(wd);
    if (watch === undefined || this.polls.get(wd) !== entry || this.closed) return;
    const onDisk = listDir(watch.path);
    const known = new Set(entry.watcher.getWatched()[entry.real] ?? []);
    if (onDisk.length === known.size && onDisk.every((d) => known.has(d.name))) return;
    this.release(wd);
    const names = new Set(onDisk.map((d) => d.name));
    for (const [name, isDir] of entry.seen!) {
      if (!names.has(name)) this.onChange(wd, entry, isDir ? 'unlinkDir' : 'unlink', joinPath(watch.path, name), true);
    }
    if (this.table.get(wd) !== undefined) this.poll(wd, entry.seen, entry.files);
  }

  private onChange(wd: number, entry: PollWatch, event: ChokidarEvent, path: string, force = false): void {
    const watch = this.table.get(wd);
    if (watch === undefined || this.closed || (this.polls.get(wd) !== entry && !force)) return;
    const out: RawEvent[] = [];
    if (path === watch.path) {
      // The watched path itself: only its end or (for a file) its content matters.
      if (event === 'unlink' || event === 'unlinkDir') this.ended(wd, out);
      else if (event === 'change' && !watch.isDir && entry.files.changedNow('', path)) this.table.push(out, wd, IN_MODIFY, '');
    } else if (watch.isDir && dirname(path) === watch.path) {
      const name = basename(path);
      const added = event === 'add' || event === 'addDir';
      if (added && entry.initial && entry.seen?.has(name)) return;
      // A change this backend already reported from its own comparison is not reported again.
      if (event === 'change' && !entry.files.changedNow(name, path)) return;
      if (added) entry.seen?.set(name, event === 'addDir');
      else if (event !== 'change') entry.seen?.delete(name);
      if (event === 'add') entry.files.take(name, path);
      else if (event === 'unlink') entry.files.forget(name);
      // chokidar tells a deleted directory's parent, not always the directory's own watcher.
      const self = added || event === 'change' ? undefined : this.table.wdOf(path);
      if (self !== undefined) this.ended(self, out);
      this.table.push(out, wd, ENTRY_BITS[event], name);
    }
    this.emit(out);
  }

  /** The watched path is gone: IN_DELETE_SELF, then the watch ends with IN_IGNORED (kernel order). */
  private ended(wd: number, out: RawEvent[]): void {
    // A directory is removed only once empty: whatever it held that chokidar did not report yet went
    // first (its stat pollers may be a round behind the parent's).
    const seen = this.polls.get(wd)?.seen;
    const path = this.table.get(wd)?.path;
    for (const [name, isDir] of seen ?? []) {
      const sub = isDir ? this.table.wdOf(joinPath(path!, name)) : undefined;
      if (sub !== undefined) this.ended(sub, out);
      this.table.push(out, wd, IN_DELETE | (isDir ? IN_ISDIR : 0), name);
    }
    seen?.clear();
    this.polls.get(wd)?.files.clear();
    this.table.push(out, wd, IN_DELETE_SELF, '');
    if (this.forget(wd)) out.push({ wd, mask: IN_IGNORED, cookie: 0, name: '' });
  }

  /**
   * chokidar's pollers ignore a watched directory that vanished (it reports that only to a watched
   * parent), so watches whose parent is not watched are checked here, by inode.
   */
  private checkOrphans(): void {
    const out: RawEvent[] = [];
    for (const [wd, watch] of [...this.table.entries()]) {
      if (this.table.has(dirname(watch.path))) continue;
      let inode: string | undefined;
      try {
        const st = lstatSync(watch.path);
        inode = `${st.dev}:${st.ino}`;
      } catch {
        // gone
      }
      if (inode === undefined || inode !== watch.inode) this.ended(wd, out);
    }
    this.emit(out);
  }

  /**
   * chokidar's first stat of a file is its baseline, taken some time after it was listed: a write before
   * that stat but after 'ready' would never be reported. Each round compares every file with the state
   * taken before ready instead, so none is missed; chokidar's own reports only come sooner.
   */
  private async compareFiles(): Promise<void> {
    if (this.comparing) return; // the last round's stats are still out (a slow mount)
    this.comparing = true;
    try {
      for (const [wd, entry] of [...this.polls]) {
        const watch = this.table.get(wd);
        if (watch === undefined) continue;
        const names = await entry.files.changed((name) => (name === '' ? watch.path : joinPath(watch.path, name)));
        if (this.closed || this.polls.get(wd) !== entry || this.table.get(wd) !== watch) continue;
        const out: RawEvent[] = [];
        for (const name of names) this.table.push(out, wd, IN_MODIFY, name);
        this.emit(out);
      }
    } finally {
      this.comparing = false;
    }
  }

  private forget(wd: number): boolean {
    return this.table.remove(wd);
  }

  private release(wd: number): void {
    const poll = this.polls.get(wd);
    this.polls.delete(wd);
    // Not from inside chokidar's own event: closing there leaves a stat poller behind (the process
    // would never exit).
    if (poll) setImmediate(() => void poll.watcher.close().catch(() => {}));
  }
}
