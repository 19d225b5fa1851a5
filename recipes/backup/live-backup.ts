import { EventEmitter } from 'node:events';
import { dirname, relative, resolve } from 'node:path';
import {
  IN_ATTRIB,
  IN_CLOSE_WRITE,
  IN_CREATE,
  IN_DELETE,
  IN_DELETE_SELF,
  IN_MOVE_SELF,
  IN_MOVED_FROM,
  IN_MOVED_TO,
  Notifier,
  type TswatchError,
  WatchManager,
} from '../../src/index.js';
import { denied } from '../permission-denied.js';
import type { BackupAction } from './backup-action.js';
import { BackupProblems } from './backup-problems.js';
import { checkBackupPaths } from './check-backup-paths.js';
import { vanished } from './copy-file.js';
import { CopyQueue, type Job } from './copy-queue.js';
import { EventJobs } from './event-jobs.js';
import { excludeGlobs } from './exclude-globs.js';
import type { LiveBackupOptions } from './live-backup-options.js';
import { Manifest } from './manifest.js';
import { Mirror } from './mirror.js';
import { type SyncSummary, syncPass } from './sync-pass.js';
import { SyncProgress } from './sync-progress.js';
import { unmirrorable } from './unmirrorable-name.js';
import { Versions } from './versions.js';

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
  private readonly progress = new SyncProgress((progress) => void this.emit('progress', progress));
  private readonly counts = { copied: 0, bytes: 0, deleted: 0 };
  /** What DEST lacks of SRC and why: every failure and skipped path goes there. */
  private readonly problems: BackupProblems;
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
    const again = (rel: string): Job => ({ paths: [rel], coalesceKey: `retry:${rel}`, run: () => this.mirror.syncTree(rel) });
    this.problems = new BackupProblems(
      this.dest,
      (error) => {
        if (this.listenerCount('error') > 0) this.emit('error', error);
      },
      (line) => void this.emit('notice', line),
      async (rels) => void (await Promise.all(rels.map((rel) => this.queue.push(again(rel))))),
    );
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
      onBytes: (bytes) => this.progress.bytes(bytes),
      fail: (err, rel) => this.problems.fail(err, rel),
      refuse: (rel, why) => this.problems.skipName(rel, why),
    });
    this.queue = new CopyQueue(
      options.concurrency ?? 4,
      (err, job) => this.problems.fail(err, job.paths[0]),
      () => this.drained(),
      (job) => this.problems.succeeded(job.paths[0]!),
    );
    this.events = new EventJobs({
      src: this.src,
      mirror: this.mirror,
      queue: this.queue,
      isExcluded: this.isExcluded,
      resync: () => this.syncPass(false).then(() => {}),
      deleted: () => void this.counts.deleted++,
      refuse: (rel, why) => this.problems.skipName(rel, why),
      gone: (rel) => this.problems.nameGone(rel),
      fail: (err) => this.problems.fail(err),
      stop: () => void this.stop(),
    });
  }

  /** Watch SRC, then run the initial sync; resolves with its summary once it is done. */
  async start(): Promise<SyncSummary> {
    await checkBackupPaths(this.src, this.dest, this.options.dryRun ?? false);
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
    for (const [path, wd] of Object.entries(wds)) if (wd < 0) this.problems.skipUnreadable(relative(this.src, path), wm.errors.get(path));
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
      if (path !== undefined && denied(err)) this.problems.skipUnreadable(relative(this.src, path), err);
      else this.problems.fail(err);
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
    return this.problems.incomplete;
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
      this.problems.dispose();
      await this.queue.close();
      await this.manifest.close();
      this.emit('stop');
    })();
    return this.stopping;
  }

  /** One pass of the initial sync. `wait`: resolve once its copies are done (not from inside a job). */
  private syncPass(wait: boolean): Promise<SyncSummary> {
    return syncPass(
      {
        src: this.src,
        dest: this.dest,
        options: this.options,
        isExcluded: this.isExcluded,
        manifest: this.manifest,
        mirror: this.mirror,
        queue: this.queue,
        problems: this.problems,
        progress: this.progress,
        counts: this.counts,
        log: (action) => this.log(action),
        planned: (plan) => void this.emit('plan', plan),
        stopped: () => this.stopping !== undefined,
        rootTimes: () => this.rootTimes(),
      },
      wait,
    );
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
    this.manifest.compactIfBloated().then(
      (compacted) => void (compacted && this.rootTimes()),
      (err: unknown) => this.problems.fail(err),
    );
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
}
