import { EventEmitter } from 'node:events';
import { constants } from 'node:fs';
import { access, lstat, mkdir, realpath, unlink } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import {
  type Backend,
  IN_ATTRIB,
  IN_CLOSE_WRITE,
  IN_CREATE,
  IN_DELETE,
  IN_DELETE_SELF,
  IN_MOVE_SELF,
  IN_MOVED_FROM,
  IN_MOVED_TO,
  Notifier,
  TswatchError,
  WatchManager,
} from '../../src/index.js';
import { denied, runningAs } from '../permission-denied.js';
import { backupError, isNoRoom, unreadableError } from './backup-error.js';
import { vanished } from './copy-file.js';
import { CopyQueue, type Job } from './copy-queue.js';
import { EventJobs } from './event-jobs.js';
import { excludeGlobs } from './exclude-globs.js';
import { type PlannedCopy, planSync, type SyncPlan } from './initial-sync.js';
import { Manifest } from './manifest.js';
import type { BackupAction } from './backup-action.js';
import { Mirror } from './mirror.js';
import { RoomRetry } from './room-retry.js';
import { removeMirrored } from './tree-repair.js';
import { type NameProblem, unmirrorable, unmirrorableError } from './unmirrorable-name.js';
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
  /** Run the initial sync only, as rsync would: SRC is not watched (start() resolves when it is done). */
  once?: boolean;
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
  /** SRC paths that may not be read: skipped (each named in an `error` event). */
  unreadable: number;
  /** SRC paths whose names cannot be mirrored (tswatch's own in DEST, not UTF-8): skipped, each named. */
  badNames: number;
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

/** Initial-sync copies queued ahead of those running: enough to keep every slot busy, few in memory. */
const COPY_WINDOW = 256;


/** The real path `path` will have: its nearest existing ancestor resolved, the missing rest appended. */
async function realpathToBe(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : join(await realpathToBe(parent), basename(path));
  }
}

/** What the backup watches: enough to mirror every change, nothing per read. */
const MASK = IN_CREATE | IN_CLOSE_WRITE | IN_ATTRIB | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF;

/**
 * A live mirror of SRC in DEST. `start()` watches SRC, then syncs what is missing or changed (never
 * deleting DEST-only files unless `delete`), and from then on replays every change: copies after
 * IN_CLOSE_WRITE, renames as renames, deletes, symlinks as symlinks, modes and times. All work goes
 * through a CopyQueue, never in the event handler.
 *
 * Events: `action` (BackupAction), `plan` (SyncPlan, before anything is changed), `progress`
 * (BackupProgress, initial sync), `error` (TswatchError; the backup goes on), `notice` (a line to say:
 * DEST full, and room again), `stop`.
 */
/** Copies failing for want of room that are named one by one in an outage; the rest are counted. */
const ROOM_NAMED = 10;

export class LiveBackup extends EventEmitter {
  readonly src: string;
  readonly dest: string;
  private readonly options: LiveBackupOptions;
  private readonly isExcluded: (rel: string, isDir: boolean) => boolean;
  private readonly mirror: Mirror;
  private readonly queue: CopyQueue;
  private readonly events: EventJobs;
  private readonly manifest: Manifest;
  /** DEST directories whose entries changed since the queue last drained. */
  private readonly touchedDirs = new Set<string>();
  private notifier: Notifier | undefined;
  private progress: BackupProgress | undefined;
  private readonly counts = { copied: 0, bytes: 0, deleted: 0, errors: 0 };
  /** SRC paths tswatch may not read or watch: skipped, named once each. */
  private readonly unreadable = new Map<string, TswatchError>();
  /** SRC paths whose names cannot be mirrored: skipped, named once each, until renamed or deleted. */
  private readonly badNames = new Map<string, TswatchError>();
  /** Paths whose last job failed, until one for them succeeds. */
  private readonly failed = new Map<string, TswatchError>();
  /** Copies that failed for want of room on DEST, retried with backoff. */
  private readonly room: RoomRetry;
  private stopping: Promise<void> | undefined;
  private pausedNow = false;
  private eventCount = 0;

  constructor(src: string, dest: string, options: LiveBackupOptions = {}) {
    super();
    this.src = resolve(src);
    this.dest = resolve(dest);
    this.options = options;
    this.isExcluded = excludeGlobs(options.exclude ?? []);
    const keep = options.versions ?? 0;
    this.manifest = new Manifest(this.dest);
    this.mirror = new Mirror({
      src: this.src,
      dest: this.dest,
      versions: keep > 0 ? new Versions(this.dest, keep) : undefined,
      isExcluded: this.isExcluded,
      log: (action) => this.log(action),
      mirrored: (rel) => this.manifest.has(rel),
      ...(!options.dryRun && {
        moved: (from: string, to: string) => this.manifest.rename(from, to),
        record: (rel: string) => this.manifest.add(rel),
        forget: (rel: string, isDir: boolean) => this.manifest.forget(rel, isDir),
      }),
      onBytes: (bytes) => {
        if (this.progress === undefined) return;
        this.progress.bytes += bytes;
        this.emit('progress', this.progress);
      },
      fail: (err, rel) => this.fail(err, rel),
      refuse: (rel, why) => this.skipName(rel, why),
    });
    this.queue = new CopyQueue(
      options.concurrency ?? 4,
      (err, job) => this.fail(err, job.paths[0]),
      () => this.drained(),
      (job) => {
        this.failed.delete(job.paths[0]!);
        this.room.succeeded(job.paths[0]!);
      },
    );
    const again = (rel: string): Job => ({ paths: [rel], coalesceKey: `retry:${rel}`, run: () => this.mirror.syncTree(rel) });
    this.room = new RoomRetry(
      async (rels) => void (await Promise.all(rels.map((rel) => this.queue.push(again(rel))))),
      (line) => void this.emit('notice', line),
    );
    this.events = new EventJobs({
      src: this.src,
      mirror: this.mirror,
      queue: this.queue,
      isExcluded: this.isExcluded,
      resync: () => this.syncPass(false).then(() => {}),
      deleted: () => void this.counts.deleted++,
      refuse: (rel, why) => this.skipName(rel, why),
      gone: (rel) => void this.badNames.delete(rel),
      fail: (err) => this.fail(err),
      stop: () => void this.stop(),
    });
  }

  /** Watch SRC, then run the initial sync; resolves with its summary once it is done. */
  async start(): Promise<SyncSummary> {
    await this.checkPaths();
    await this.manifest.load();
    if (!this.options.dryRun && !this.options.once) await this.watch();
    return this.syncPass(true);
  }

  /**
   * Stop watching SRC until resume(): nothing changed from now on reaches DEST. Copies already queued
   * finish (they were asked for before the pause).
   */
  pause(): void {
    if (this.pausedNow || this.stopping !== undefined) return;
    this.pausedNow = true;
    this.notifier?.stop();
    this.notifier = undefined;
    this.events.dispose(); // a rename's missing half: the resync finds where it went
  }

  /**
   * Watch SRC again, then compare the trees as the initial sync does, so what changed while paused
   * reaches DEST. Resolves once SRC is watched (undefined if it was not paused); the resync goes on, and
   * `synced` resolves with its summary.
   */
  async resume(): Promise<{ synced: Promise<SyncSummary> } | undefined> {
    if (!this.pausedNow || this.stopping !== undefined) return undefined;
    this.pausedNow = false;
    if (!this.options.dryRun) await this.watch();
    return { synced: this.syncPass(true) };
  }

  /** Arm the watcher on SRC (resolves once changes from now on are seen). */
  private async watch(): Promise<void> {
    const wm = new WatchManager(this.options.backend ? { backend: this.options.backend } : {});
    const wds = wm.addWatch(this.src, MASK, {
      rec: true,
      autoAdd: true,
      quiet: false,
      excludeFilter: (path) => this.isExcluded(relative(this.src, path), true) || unmirrorable(relative(this.src, path)) !== undefined,
    });
    for (const [path, wd] of Object.entries(wds)) if (wd < 0) this.skipUnreadable(relative(this.src, path), wm.errors.get(path));
    this.notifier = new Notifier(wm, (event) => {
      this.eventCount++;
      // An entry created, deleted or moved changes its directory's mtime in SRC, whatever DEST needs.
      const dir = relative(this.src, event.path);
      if (event.mask & (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO) && !dir.startsWith('..') && !dir.includes('\0')) {
        this.touchedDirs.add(dir);
      }
      this.events.onEvent(event);
    });
    // A directory replaced (by a symlink, a file) before the core could watch it: a race, not a
    // failure; the events that follow describe what is there now.
    this.notifier.on('error', (err: unknown) => {
      if (vanished(err)) return;
      const path = (err as TswatchError).path;
      if (path !== undefined && denied(err)) this.skipUnreadable(relative(this.src, path), err);
      else this.fail(err);
    });
    this.notifier.start();
    await this.notifier.ready();
  }

  /** Changes waiting to reach DEST (a status page shows it). */
  get queued(): number {
    return this.queue.size;
  }

  /** What is watched now, for a status page: SRC, the kernel watches held (none while paused), events taken. */
  watching(): { paths: string[]; watches: number; events: number } {
    return { paths: [this.src], watches: this.notifier?.watchManager.size ?? 0, events: this.eventCount };
  }

  /**
   * What is not in DEST as SRC has it: paths tswatch may not read, and paths whose copy failed (and has
   * not succeeded since), each with its error. Empty when DEST mirrors all of SRC.
   */
  get incomplete(): ReadonlyMap<string, TswatchError> {
    return new Map([...this.unreadable, ...this.badNames, ...this.failed]);
  }

  /** Resolves when every queued change has reached DEST. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** Stop watching; copies under way finish, queued ones are dropped (the next start catches up). */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.notifier?.stop();
      this.events.dispose();
      this.room.dispose();
      await this.queue.close();
      await this.manifest.close();
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
    // Overlap is checked on what DEST will be, before anything is created (a DEST inside SRC never appears).
    const [src, dest] = await Promise.all([realpath(this.src), realpathToBe(this.dest)]);
    const inside = (a: string, b: string): boolean => a === b || a.startsWith(b.endsWith(sep) ? b : b + sep);
    if (inside(dest, src) || inside(src, dest)) {
      throw new TswatchError(`backup destination '${this.dest}' and source '${this.src}' overlap`, {
        code: 'EINVAL',
        path: this.dest,
        hint: 'DEST must be outside SRC and SRC outside DEST, or the backup would copy itself',
      });
    }
    if (this.options.dryRun) return;
    await mkdir(this.dest, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
      const notDir = err.code === 'EEXIST' || err.code === 'ENOTDIR';
      throw new TswatchError(`backup destination '${this.dest}' ${notDir ? 'is not a directory' : `cannot be created (${err.code === 'EACCES' ? 'permission denied' : err.message})`}`, {
        code: err.code ?? 'EINVAL',
        path: this.dest,
        hint: notDir ? 'DEST must be a directory (or not exist yet)' : 'give DEST a place the user running tswatch may write to, or create it first with the right owner',
      });
    });
    // An existing DEST the user may not write to would fail every copy, and then the manifest: say it once, first.
    await access(this.dest, constants.W_OK | constants.X_OK).catch((err: NodeJS.ErrnoException) => {
      throw new TswatchError(`backup destination '${this.dest}' is not writable (${denied(err) ? 'permission denied' : err.code === 'EROFS' ? 'a read-only filesystem' : err.message})`, {
        code: err.code ?? 'EACCES',
        path: this.dest,
        hint: `${runningAs()} needs write and search permission on DEST; give it that (chmod u+wx), or give another DEST`,
      });
    });
  }

  /** One pass of the initial sync. `wait`: resolve once its copies are done (not from inside a job). */
  private async syncPass(wait: boolean): Promise<SyncSummary> {
    const started = Date.now();
    const before = { ...this.counts };
    this.manifest.beginRewrite();
    const plan: SyncPlan = await planSync({
      src: this.src,
      dest: this.dest,
      isExcluded: this.isExcluded,
      checksum: this.options.checksum ?? false,
      mirrored: (rel) => this.manifest.has(rel),
    });
    this.emit('plan', plan);
    for (const { rel, err } of plan.unreadable) this.skipUnreadable(rel, err);
    for (const { rel, why } of plan.badNames) this.skipName(rel, why);
    const dryRun = this.options.dryRun ?? false;
    for (const rel of plan.temps) {
      if (!dryRun) await unlink(join(this.dest, rel)).catch((err: unknown) => void (vanished(err) || this.fail(err)));
      this.log({ action: 'clean-temp', path: rel, ...(dryRun && { dryRun: true as const }) });
    }
    const jobs: Array<Promise<void>> = [];
    const deletion = (rel: string, remove: () => Promise<boolean>, reason?: string): void => {
      if (dryRun) this.log({ action: 'delete', path: rel, ...(reason && { reason }), dryRun: true });
      else jobs.push(this.queue.push({ paths: [rel], structural: true, run: async () => void ((await remove()) && this.counts.deleted++) }));
    };
    // Mirrored before, gone from SRC while nobody watched (renamed or deleted during a stop or crash).
    for (const rel of plan.stale) deletion(rel, () => removeMirrored(this.mirror, rel), 'gone from SRC');
    if (this.options.delete) {
      for (const rel of plan.extras) {
        deletion(rel, async () => (await lstat(this.mirror.srcPath(rel)).catch(() => undefined)) === undefined && this.mirror.remove(rel));
      }
    }
    this.progress = { files: 0, filesTotal: plan.copies.length, bytes: 0, bytesTotal: plan.bytes };
    const copyJob = ({ rel, kind, seen }: PlannedCopy): Job => {
      const copy = (): Promise<unknown> => (seen ? this.mirror.copyNew(rel, seen) : this.mirror.syncEntry(rel, true));
      const run = async (): Promise<void> => {
        try {
          await (kind === 'attrs' ? this.mirror.attrs(rel) : copy());
        } finally {
          if (this.progress !== undefined) {
            this.progress.files++;
            this.emit('progress', this.progress);
          }
        }
      };
      return { paths: [rel], coalesceKey: `${kind}:${rel}`, run };
    };
    if (dryRun) {
      for (const { rel, kind, bytes } of plan.copies) this.log({ action: kind, path: rel, ...(kind === 'copy' && { bytes }), dryRun: true });
    } else {
      // Fed to the queue a window at a time (memory), in plan order: parents before what goes in them.
      const copied = this.queue.pushAll(
        (function* () {
          for (const c of plan.copies) yield copyJob(c);
        })(),
        COPY_WINDOW,
      );
      // DEST's own directory too ('' first: set last), as SRC's.
      jobs.push(copied.then(() => this.queue.push({ paths: [''], structural: true, run: () => this.mirror.directoryTimes(['', ...plan.dirs]) })));
    }
    if (wait) {
      await Promise.all(jobs);
      // Stopped meanwhile (a resync after resume): the dropped jobs did not run, the manifest is closed.
      if (!dryRun && this.stopping === undefined) {
        await this.manifest.rewrite(plan.seen);
        await this.rootTimes(); // renaming the new manifest into DEST's top moved its mtime
      }
    }
    this.progress = undefined;
    const copied = this.counts.copied - before.copied;
    return {
      copied: dryRun ? plan.copies.filter((c) => c.kind === 'copy').length : copied,
      bytes: dryRun ? plan.bytes : this.counts.bytes - before.bytes,
      unchanged: plan.unchanged,
      extras: plan.extraEntries,
      deleted: dryRun ? plan.stale.length + (this.options.delete ? plan.extraEntries : 0) : this.counts.deleted - before.deleted,
      tempsRemoved: plan.temps.length,
      unreadable: this.unreadable.size,
      badNames: this.badNames.size,
      errors: this.counts.errors - before.errors,
      ms: Date.now() - started,
      dryRun,
    };
  }

  /**
   * The queue is empty: check subtrees that changed shape, then give the directories written into
   * their SRC mtimes back (every entry created or removed moved them), then compact the manifest.
   */
  private drained(): void {
    if (this.options.dryRun) return;
    this.events.verifyChanged();
    if (this.queue.size > 0) return;
    if (this.touchedDirs.size > 0) {
      const dirs = [...this.touchedDirs];
      this.touchedDirs.clear();
      void this.queue.push({ paths: dirs, run: () => this.mirror.directoryTimes(dirs) });
      return;
    }
    this.manifest.compactIfBloated().then((compacted) => void (compacted && this.rootTimes()), (err: unknown) => this.fail(err));
  }

  /** DEST's top directory gets SRC's mode and times again (tswatch's own files in it moved them). */
  private rootTimes(): Promise<void> {
    return this.queue.push({ paths: [''], structural: true, run: () => this.mirror.directoryTimes(['']) });
  }

  private log(action: BackupAction): void {
    // Keeping a version may create DEST/.tswatch-versions, in DEST's top directory.
    if (action.action === 'version' && !action.dryRun) this.touchedDirs.add('');
    if (!action.dryRun && action.action !== 'attrs' && action.action !== 'version' && action.action !== 'skip') {
      for (const path of [action.path, action.to]) {
        if (path === undefined) continue;
        const parent = dirname(path);
        this.touchedDirs.add(parent === '.' ? '' : parent);
      }
    }
    if (action.action === 'copy' && !action.dryRun) {
      this.counts.copied++;
      this.counts.bytes += action.bytes ?? 0;
    }
    this.emit('action', action);
  }

  /** A SRC path that may not be read (or watched): said once, counted, and left out; the rest goes on. */
  private skipUnreadable(rel: string, err: unknown): void {
    if (this.unreadable.has(rel)) return;
    const error = unreadableError(rel, err);
    this.unreadable.set(rel, error);
    this.counts.errors++;
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }

  /** A SRC path whose name cannot be mirrored: said once, counted, and left out (DEST's own files untouched). */
  private skipName(rel: string, why: NameProblem): void {
    if (this.badNames.has(rel)) return;
    const error = unmirrorableError(rel, why);
    this.badNames.set(rel, error);
    this.counts.errors++;
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }

  /** A job (on `rel`, when known) failed: said with the path, counted; the backup goes on. */
  private fail(err: unknown, rel?: string): void {
    if (rel !== undefined && denied(err) && (err as NodeJS.ErrnoException).syscall === 'scandir') {
      this.skipUnreadable(rel, err);
      return;
    }
    const error = backupError(err, rel, this.dest);
    // No room: retried until there is; each path is said (the first few) and counted once per outage.
    const nth = rel !== undefined && isNoRoom(err) ? this.room.add(rel) : -1;
    if (rel !== undefined) this.failed.set(rel, error);
    if (nth === 0) return;
    this.counts.errors++;
    if (nth > ROOM_NAMED + 1) return;
    if (nth === ROOM_NAMED + 1) return void this.emit('notice', `more copies fail for want of room on DEST: retried too, and named in what DEST lacks (ctl status, the end of the run)`);
    // The hint (what to do about a full DEST) once per outage.
    const said = nth > 1 ? new TswatchError(error.message, { code: error.code, path: rel, cause: err }) : error;
    if (this.listenerCount('error') > 0) this.emit('error', said);
  }
}
