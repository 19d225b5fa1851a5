import { lstat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackupAction } from './backup-action.js';
import type { BackupProblems } from './backup-problems.js';
import { vanished } from './copy-file.js';
import type { CopyQueue, Job } from './copy-queue.js';
import { type PlannedCopy, planSync, type SyncPlan } from './initial-sync.js';
import type { LiveBackupOptions } from './live-backup-options.js';
import type { Manifest } from './manifest.js';
import type { Mirror } from './mirror.js';
import type { SyncProgress } from './sync-progress.js';
import { removeMirrored } from './tree-repair.js';

/** What a sync pass did (with dryRun: would do), as `start()` and `resume()` resolve with it. */
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

/**
 * The parts of a LiveBackup that a sync pass works with. The pass is a function of its own because it
 * is a concept of its own (a plan carried out, then summed up); the backup keeps the wiring and the watch.
 */
export interface SyncPassParts {
  readonly src: string;
  readonly dest: string;
  readonly options: LiveBackupOptions;
  readonly isExcluded: (rel: string, isDir: boolean) => boolean;
  readonly manifest: Manifest;
  readonly mirror: Mirror;
  readonly queue: CopyQueue;
  readonly problems: BackupProblems;
  readonly progress: SyncProgress;
  /** Changes made so far, counted by `log` and the delete jobs (a pass reports the ones it added). */
  readonly counts: { copied: number; bytes: number; deleted: number };
  readonly log: (action: BackupAction) => void;
  /** The plan is made, nothing changed yet (the `plan` event). */
  readonly planned: (plan: SyncPlan) => void;
  /** The backup was stopped (its queue dropped what was waiting, its manifest is closed). */
  readonly stopped: () => boolean;
  /** Queue DEST's top directory's mode and times again. */
  readonly rootTimes: () => Promise<void>;
}

/** Initial-sync copies queued ahead of those running: enough to keep every slot busy, few in memory. */
const COPY_WINDOW = 256;

/** One pass of the initial sync. `wait`: resolve once its copies are done (not from inside a job). */
export async function syncPass(backup: SyncPassParts, wait: boolean): Promise<SyncSummary> {
  const started = Date.now();
  const before = { ...backup.counts, errors: backup.problems.errors };
  backup.manifest.beginRewrite();
  const plan: SyncPlan = await planSync({
    src: backup.src,
    dest: backup.dest,
    isExcluded: backup.isExcluded,
    checksum: backup.options.checksum ?? false,
    mirrored: (rel) => backup.manifest.has(rel),
    poolFree: () => backup.queue.size === 0,
  });
  backup.planned(plan);
  for (const { rel, err } of plan.unreadable) backup.problems.skipUnreadable(rel, err);
  for (const { rel, why } of plan.badNames) backup.problems.skipName(rel, why);
  const dryRun = backup.options.dryRun ?? false;
  for (const rel of plan.temps) {
    if (!dryRun) await unlink(join(backup.dest, rel)).catch((err: unknown) => void (vanished(err) || backup.problems.fail(err)));
    backup.log({ action: 'clean-temp', path: rel, ...(dryRun && { dryRun: true as const }) });
  }
  const jobs: Array<Promise<void>> = [];
  const deletion = (rel: string, remove: () => Promise<boolean>, reason?: string): void => {
    if (dryRun) backup.log({ action: 'delete', path: rel, ...(reason && { reason }), dryRun: true });
    else
      jobs.push(backup.queue.push({ paths: [rel], structural: true, run: async () => void ((await remove()) && backup.counts.deleted++) }));
  };
  // Mirrored before, gone from SRC while nobody watched (renamed or deleted during a stop or crash).
  for (const rel of plan.stale) deletion(rel, () => removeMirrored(backup.mirror, rel), 'gone from SRC');
  if (backup.options.delete) {
    for (const rel of plan.extras) {
      deletion(
        rel,
        async () => (await lstat(backup.mirror.srcPath(rel)).catch(() => undefined)) === undefined && backup.mirror.remove(rel),
      );
    }
  }
  backup.progress.begin(plan.copies.length, plan.bytes);
  const copyJob = ({ rel, kind, seen }: PlannedCopy): Job => {
    const copy = (): Promise<unknown> => (seen ? backup.mirror.copyNew(rel, seen) : backup.mirror.syncEntry(rel, true));
    const run = async (): Promise<void> => {
      try {
        await (kind === 'attrs' ? backup.mirror.attrs(rel) : copy());
      } finally {
        backup.progress.file();
      }
    };
    return { paths: [rel], coalesceKey: `${kind}:${rel}`, run };
  };
  if (dryRun) {
    for (const { rel, kind, bytes } of plan.copies)
      backup.log({ action: kind, path: rel, ...(kind === 'copy' && { bytes }), dryRun: true });
  } else {
    // Fed to the queue a window at a time (memory), in plan order: parents before what goes in them.
    const copied = backup.queue.pushAll(
      (function* () {
        for (const c of plan.copies) yield copyJob(c);
      })(),
      COPY_WINDOW,
    );
    // DEST's own directory too ('' first: set last), as SRC's.
    jobs.push(
      copied.then(() => backup.queue.push({ paths: [''], structural: true, run: () => backup.mirror.directoryTimes(['', ...plan.dirs]) })),
    );
  }
  if (wait) {
    await Promise.all(jobs);
    // Stopped meanwhile (a resync after resume): the dropped jobs did not run, the manifest is closed.
    if (!dryRun && !backup.stopped()) {
      await backup.manifest.rewrite(plan.seen);
      await backup.rootTimes(); // renaming the new manifest into DEST's top moved its mtime
    }
  }
  backup.progress.end();
  const copied = backup.counts.copied - before.copied;
  return {
    copied: dryRun ? plan.copies.filter((c) => c.kind === 'copy').length : copied,
    bytes: dryRun ? plan.bytes : backup.counts.bytes - before.bytes,
    unchanged: plan.unchanged,
    extras: plan.extraEntries,
    deleted: dryRun ? plan.stale.length + (backup.options.delete ? plan.extraEntries : 0) : backup.counts.deleted - before.deleted,
    tempsRemoved: plan.temps.length,
    unreadable: backup.problems.unreadableCount,
    badNames: backup.problems.badNameCount,
    errors: backup.problems.errors - before.errors,
    ms: Date.now() - started,
    dryRun,
  };
}
