import { EventEmitter } from 'node:events';
import { lstat, mkdir, realpath, unlink } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import {
  type Backend,
  type Event,
  IN_ATTRIB,
  IN_CLOSE_WRITE,
  IN_CREATE,
  IN_DELETE,
  IN_DELETE_SELF,
  IN_IGNORED,
  IN_MOVE_SELF,
  IN_MOVED_FROM,
  IN_MOVED_TO,
  IN_Q_OVERFLOW,
  Notifier,
  TswatchError,
  WatchManager,
} from '../../src/index.js';
import { vanished } from './copy-file.js';
import { CopyQueue, type Job } from './copy-queue.js';
import { excludeGlobs } from './exclude-globs.js';
import { planSync, type SyncPlan } from './initial-sync.js';
import { type BackupAction, Mirror } from './mirror.js';
import { Versions } from './versions.js';

export interface LiveBackupOptions {
  /** Delete DEST entries that SRC does not have during the initial sync (default: keep them). */
  delete?: boolean;
  /** Compare content (sha256) instead of size and mtime in the initial sync. */
  checksum?: boolean;
  /** Keep this many earlier copies of each path under DEST/.tswatch-versions (0: none). */
  versions?: number;
  /** Globs of paths (relative to SRC) to leave alone, see excludeGlobs. */
  exclude?: readonly string[];
  /** Plan the initial sync and report its actions; change nothing, watch nothing. */
  dryRun?: boolean;
  /** Copies running at once (default 4). */
  concurrency?: number;
  /** The watcher's backend (default: native inotify). */
  backend?: Backend;
}

export interface SyncSummary {
  copied: number;
  bytes: number;
  unchanged: number;
  /** DEST-only entries found (kept unless `delete`). */
  extras: number;
  deleted: number;
  tempsRemoved: number;
  errors: number;
  ms: number;
  dryRun: boolean;
}

export interface BackupProgress {
  files: number;
  filesTotal: number;
  bytes: number;
  bytesTotal: number;
}

/** What the backup watches: enough to mirror every change, nothing per read. */
const MASK = IN_CREATE | IN_CLOSE_WRITE | IN_ATTRIB | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF;

/** How long a rename's first half waits for its second before it counts as a move out of SRC. */
const MOVE_OUT_MS = 500;

interface PendingMove {
  job: Job & { paths: string[] };
  to: string | undefined;
  timer: NodeJS.Timeout;
}

/**
 * A live mirror of SRC in DEST. `start()` watches SRC, then syncs what is missing or changed (never
 * deleting DEST-only files unless `delete`), and from then on replays every change: copies after
 * IN_CLOSE_WRITE, renames as renames, deletes, symlinks as symlinks, modes and times. All work goes
 * through a CopyQueue, never in the event handler.
 *
 * Events: `action` (BackupAction), `plan` (SyncPlan, before anything is changed), `progress`
 * (BackupProgress, initial sync), `error` (TswatchError; the backup goes on), `stop`.
 */
export class LiveBackup extends EventEmitter {
  readonly src: string;
  readonly dest: string;
  private readonly options: LiveBackupOptions;
  private readonly isExcluded: (rel: string, isDir: boolean) => boolean;
  private readonly mirror: Mirror;
  private readonly queue: CopyQueue;
  private readonly moves = new Map<number, PendingMove>();
  /** Directories created, moved in or renamed live: checked whole once the queue drains. */
  private readonly changedDirs = new Set<string>();
  private notifier: Notifier | undefined;
  private progress: BackupProgress | undefined;
  private readonly counts = { copied: 0, bytes: 0, deleted: 0, errors: 0 };
  private stopping: Promise<void> | undefined;

  constructor(src: string, dest: string, options: LiveBackupOptions = {}) {
    super();
    this.src = resolve(src);
    this.dest = resolve(dest);
    this.options = options;
    this.isExcluded = excludeGlobs(options.exclude ?? []);
    const keep = options.versions ?? 0;
    this.mirror = new Mirror({
      src: this.src,
      dest: this.dest,
      versions: keep > 0 ? new Versions(this.dest, keep) : undefined,
      isExcluded: this.isExcluded,
      log: (action) => this.log(action),
      onBytes: (bytes) => {
        if (this.progress === undefined) return;
        this.progress.bytes += bytes;
        this.emit('progress', this.progress);
      },
    });
    this.queue = new CopyQueue(
      options.concurrency ?? 4,
      (err) => this.fail(err),
      () => this.verifyChanged(),
    );
  }

  /** Watch SRC, then run the initial sync; resolves with its summary once it is done. */
  async start(): Promise<SyncSummary> {
    await this.checkPaths();
    if (!this.options.dryRun) {
      const wm = new WatchManager(this.options.backend ? { backend: this.options.backend } : {});
      wm.addWatch(this.src, MASK, {
        rec: true,
        autoAdd: true,
        quiet: false,
        excludeFilter: (path) => this.isExcluded(relative(this.src, path), true),
      });
      this.notifier = new Notifier(wm, (event) => this.onEvent(event));
      // A directory replaced (by a symlink, a file) before the core could watch it: a race, not a
      // failure; the events that follow describe what is there now.
      this.notifier.on('error', (err: unknown) => void (vanished(err) || this.fail(err)));
      this.notifier.start();
      await this.notifier.ready();
    }
    return this.syncPass(true);
  }

  /** Resolves when every queued change has reached DEST. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** Stop watching; copies under way finish, queued ones are dropped (the next start catches up). */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.notifier?.stop();
      for (const move of this.moves.values()) clearTimeout(move.timer);
      this.moves.clear();
      await this.queue.close();
      this.emit('stop');
    })();
    return this.stopping;
  }

  private async checkPaths(): Promise<void> {
    const st = await lstat(this.src).catch((err: NodeJS.ErrnoException) => {
      throw new TswatchError(`backup source '${this.src}': ${err.code === 'ENOENT' ? 'no such directory' : err.message}`, {
        code: err.code ?? 'EINVAL',
        path: this.src,
        hint: 'SRC must be an existing directory',
      });
    });
    if (!st.isDirectory()) {
      throw new TswatchError(`backup source '${this.src}' is not a directory`, { code: 'ENOTDIR', path: this.src, hint: 'SRC must be a directory' });
    }
    if (!this.options.dryRun) await mkdir(this.dest, { recursive: true });
    const [src, dest] = await Promise.all([realpath(this.src), realpath(this.dest).catch(() => this.dest)]);
    const inside = (a: string, b: string): boolean => a === b || a.startsWith(b.endsWith(sep) ? b : b + sep);
    if (inside(dest, src) || inside(src, dest)) {
      throw new TswatchError(`backup destination '${this.dest}' and source '${this.src}' overlap`, {
        code: 'EINVAL',
        path: this.dest,
        hint: 'DEST must be outside SRC and SRC outside DEST, or the backup would copy itself',
      });
    }
  }

  /** One pass of the initial sync. `wait`: resolve once its copies are done (not from inside a job). */
  private async syncPass(wait: boolean): Promise<SyncSummary> {
    const started = Date.now();
    const before = { ...this.counts };
    const plan: SyncPlan = await planSync({ src: this.src, dest: this.dest, isExcluded: this.isExcluded, checksum: this.options.checksum ?? false });
    this.emit('plan', plan);
    const dryRun = this.options.dryRun ?? false;
    for (const rel of plan.temps) {
      if (!dryRun) await unlink(join(this.dest, rel)).catch((err: unknown) => void (vanished(err) || this.fail(err)));
      this.log({ action: 'clean-temp', path: rel, ...(dryRun && { dryRun: true as const }) });
    }
    const jobs: Array<Promise<void>> = [];
    if (this.options.delete) {
      for (const rel of plan.extras) {
        if (dryRun) this.log({ action: 'delete', path: rel, dryRun: true });
        else
          jobs.push(
            this.queue.push({
              paths: [rel],
              structural: true,
              run: async () => {
                if ((await lstat(this.mirror.srcPath(rel)).catch(() => undefined)) === undefined && (await this.mirror.remove(rel))) this.counts.deleted++;
              },
            }),
          );
      }
    }
    this.progress = { files: 0, filesTotal: plan.copies.length, bytes: 0, bytesTotal: plan.bytes };
    for (const { rel, kind, bytes } of plan.copies) {
      if (dryRun) {
        this.log({ action: kind, path: rel, ...(kind === 'copy' && { bytes }), dryRun: true });
        continue;
      }
      const run = (): Promise<void> => (kind === 'attrs' ? this.mirror.attrs(rel) : this.mirror.syncEntry(rel, true).then(() => {}));
      const done = this.queue.push({ paths: [rel], coalesceKey: `${kind}:${rel}`, run }).then(() => {
        if (this.progress === undefined) return;
        this.progress.files++;
        this.emit('progress', this.progress);
      });
      jobs.push(done);
    }
    if (!dryRun) jobs.push(this.queue.push({ paths: [''], structural: true, run: () => this.mirror.directoryTimes(plan.dirs) }));
    if (wait) await Promise.all(jobs);
    this.progress = undefined;
    const copied = this.counts.copied - before.copied;
    return {
      copied: dryRun ? plan.copies.filter((c) => c.kind === 'copy').length : copied,
      bytes: dryRun ? plan.bytes : this.counts.bytes - before.bytes,
      unchanged: plan.unchanged,
      extras: plan.extraEntries,
      deleted: dryRun && this.options.delete ? plan.extraEntries : this.counts.deleted - before.deleted,
      tempsRemoved: plan.temps.length,
      errors: this.counts.errors - before.errors,
      ms: Date.now() - started,
      dryRun,
    };
  }

  // ---- the event path: map each event to a queued job, never touch DEST here ----

  private onEvent(event: Event): void {
    const { mask } = event;
    if (mask & IN_Q_OVERFLOW) {
      // The kernel dropped events: what changed is only known by comparing the trees again.
      this.push({ paths: [''], structural: true, run: () => this.syncPass(false).then(() => {}) });
      return;
    }
    if (mask & IN_IGNORED) return;
    // While a renamed directory's destination is unknown, the core files its watches under a path with
    // a NUL in it: events from there have no real path. Its fate arrives as a move-out and a
    // create (or scan) of wherever it went.
    if (event.pathname.includes('\0')) return;
    const rel = relative(this.src, event.pathname);
    if (rel.startsWith('..')) return;
    if (mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
      if (rel === '') {
        this.fail(new TswatchError(`backup source '${this.src}' was deleted or moved away`, { code: 'ENOENT', path: this.src, hint: 'nothing more to back up; DEST keeps its copy' }));
        void this.stop();
      }
      return; // a subdirectory: its parent's IN_DELETE / IN_MOVED_FROM says it all
    }
    if (mask & IN_MOVED_FROM) return this.moveFrom(rel, event.cookie, event.dir);
    if (mask & IN_MOVED_TO) return this.moveTo(rel, event);
    if (this.isExcluded(rel, event.dir)) return;
    if (mask & IN_CREATE) {
      // A new file is copied at its IN_CLOSE_WRITE, never half-written. Directories, symlinks, hard
      // links and files found by a scan (synthetic) have no close to wait for. A new directory is
      // copied whole: when one is deleted and re-created faster than the core reads, the core's scan
      // of the first creation already saw what the second holds, and reports nothing again.
      if (event.dir && !event.synthetic) {
        this.changedDirs.add(rel);
        this.push({ paths: [rel], structural: true, run: () => this.mirror.syncTree(rel) });
      }
      else if (event.dir || event.synthetic) this.push({ paths: [rel], coalesceKey: `sync:${rel}`, run: () => this.sync(rel) });
      else this.push({ paths: [rel], run: () => this.created(rel) });
    } else if (mask & IN_CLOSE_WRITE) {
      this.push({ paths: [rel], coalesceKey: `copy:${rel}`, run: () => this.sync(rel, true) });
    } else if (mask & IN_ATTRIB) {
      this.push({ paths: [rel], coalesceKey: `attrs:${rel}`, run: () => this.mirror.attrs(rel) });
    } else if (mask & IN_DELETE) {
      this.push({ paths: [rel], structural: true, run: () => this.remove(rel) });
    }
  }

  /** First half of a rename: hold the path's place in the queue until the second half (or a timeout) says where it went. */
  private moveFrom(rel: string, cookie: number, isDir: boolean): void {
    const move: PendingMove = {
      to: undefined,
      timer: setTimeout(() => {
        this.moves.delete(cookie);
        move.job.ready = true;
        this.queue.pump();
      }, MOVE_OUT_MS),
      job: {
        paths: [rel],
        ready: false,
        structural: true,
        run: async () => {
          const to = move.to;
          const fromKept = !this.isExcluded(rel, isDir);
          if (to === undefined || this.isExcluded(to, isDir)) {
            if (fromKept) await this.remove(rel); // moved out of SRC (or out of view): a delete
          } else if (fromKept) {
            await this.mirror.rename(rel, to);
          } else {
            await this.mirror.syncTree(to); // moved in from an excluded path: copy
          }
        },
      },
    };
    this.moves.set(cookie, move);
    this.push(move.job);
  }

  private moveTo(rel: string, event: Event): void {
    const move = event.src_pathname === undefined || event.src_pathname.includes('\0') ? undefined : this.moves.get(event.cookie);
    if (event.dir) this.changedDirs.add(rel);
    if (move !== undefined) {
      clearTimeout(move.timer);
      this.moves.delete(event.cookie);
      move.to = rel;
      move.job.paths.push(rel);
      move.job.ready = true;
      this.queue.pump();
      return;
    }
    if (this.isExcluded(rel, event.dir)) return;
    // Moved in from outside (or a rename whose first half we no longer hold): copy it, a directory whole.
    if (event.dir) this.push({ paths: [rel], structural: true, run: () => this.mirror.syncTree(rel) });
    else this.push({ paths: [rel], coalesceKey: `sync:${rel}`, run: () => this.sync(rel) });
  }

  /**
   * The queue drained after a burst that changed directories' shape: compare those subtrees with SRC.
   * When names are renamed and re-created faster than events are read, the watcher may have scanned
   * one directory under another's name; this is where DEST catches up, without waiting for a restart.
   */
  private verifyChanged(): void {
    if (this.changedDirs.size === 0) return;
    const dirs = [...this.changedDirs].sort();
    this.changedDirs.clear();
    const roots = dirs.filter((rel) => !dirs.some((other) => other !== rel && rel.startsWith(`${other}/`)));
    for (const rel of roots) this.push({ paths: [rel], structural: true, run: () => this.mirror.verifyTree(rel) });
  }

  private async created(rel: string): Promise<void> {
    const st = await lstat(this.mirror.srcPath(rel)).catch(() => undefined);
    if (st !== undefined && (st.isSymbolicLink() || (st.isFile() && st.nlink > 1))) await this.sync(rel);
  }

  private async sync(rel: string, force = false): Promise<void> {
    await this.mirror.syncEntry(rel, force);
  }

  private async remove(rel: string): Promise<void> {
    if (await this.mirror.remove(rel)) this.counts.deleted++;
  }

  private push(job: Job): void {
    void this.queue.push(job);
  }

  private log(action: BackupAction): void {
    if (action.action === 'copy' && !action.dryRun) {
      this.counts.copied++;
      this.counts.bytes += action.bytes ?? 0;
    }
    this.emit('action', action);
  }

  private fail(err: unknown): void {
    this.counts.errors++;
    const error =
      err instanceof TswatchError
        ? err
        : new TswatchError(`backup: ${(err as Error).message ?? String(err)}`, {
            code: (err as NodeJS.ErrnoException).code ?? 'EBACKUP',
            cause: err,
            ...((err as NodeJS.ErrnoException).code === 'ENOSPC' && { hint: "DEST's filesystem is full" }),
          });
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }
}
