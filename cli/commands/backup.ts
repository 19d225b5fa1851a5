import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import type { BackupAction, SyncPlan, SyncSummary } from '../../recipes/backup/index.js';
import { versionTime } from '../../recipes/backup/versions.js';
import { TswatchError } from '../../src/errors.js';
import { escapedName } from '../../src/fs-names.js';
import { humanBytes, ProgressLine } from '../progress-line.js';
import { holdYoungGeneration } from '../young-generation.js';

/** Exit status when some paths could not be backed up and the rest was (rsync's "partial transfer"). */
const PARTIAL = 23;

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function integerFlag(flag: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
      throw new TswatchError(`${flag} '${value}' is not a whole number from ${min} to ${max}`, {
        code: 'EBADFLAG',
        hint: `for example ${flag} ${Math.min(max, Math.max(min, 5))}`,
      });
    }
    return n;
  };
}

/** A path as one safe line: bytes that are not UTF-8 as `\xff`, names with newlines or control characters JSON-quoted. */
function shown(path: string): string {
  const escaped = escapedName(path);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is looked for
  return /[\x00-\x1f\x7f]/.test(escaped) ? JSON.stringify(escaped) : escaped;
}

function describeAction(a: BackupAction): string {
  const what = a.dryRun ? `would ${a.action}` : a.action;
  const extra =
    a.to !== undefined ? ` -> ${shown(a.to)}` : a.bytes !== undefined ? ` (${humanBytes(a.bytes)})` : a.reason ? ` (${a.reason})` : '';
  return `${what} ${shown(a.path)}${extra}`;
}

function describeSummary(s: SyncSummary, deleting: boolean): string {
  const parts = [`${s.dryRun ? 'would copy' : 'copied'} ${s.copied} (${humanBytes(s.bytes)})`, `${s.unchanged} unchanged`];
  if (s.deleted > 0) parts.push(`${s.dryRun ? 'would delete' : 'deleted'} ${s.deleted} no longer in SRC`);
  if (s.extras > 0 && !deleting) parts.push(`${s.extras} only in DEST kept (--delete removes them)`);
  if (s.tempsRemoved > 0) parts.push(`${s.tempsRemoved} leftover temp files removed`);
  if (s.unreadable > 0) parts.push(`${s.unreadable} unreadable in SRC skipped`);
  if (s.badNames > 0) parts.push(`${s.badNames} with names that cannot be mirrored skipped`);
  parts.push(`${s.errors} errors`, `${(s.ms / 1000).toFixed(1)} s`);
  return `initial sync${s.dryRun ? ' (dry run)' : ''}: ${parts.join(', ')}`;
}

interface BackupFlags {
  delete?: boolean;
  checksum?: boolean;
  versions?: number;
  exclude?: string[];
  dryRun?: boolean;
  json?: boolean;
  verbose?: boolean;
  once?: boolean;
  concurrency?: number;
}

async function backup(src: string, dest: string, flags: BackupFlags): Promise<void> {
  const say = (text: string): void => void process.stderr.write(`tswatch backup: ${text}\n`);
  const print = (record: object): void => void process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...record })}\n`);
  const [{ LiveBackup }, { MANIFEST_FILE }] = await Promise.all([
    import('../../recipes/backup/index.js'),
    import('../../recipes/backup/manifest.js'),
  ]);
  // Walking and copying a whole tree makes garbage that grows the young generation (most of a first
  // sync's peak RSS): held at its first size, it does not. Held from the start only for a first sync (no
  // manifest in DEST yet); else once the plan has copies, so a re-sync that copies nothing does not pay
  // the extra scavenges for memory it never needed. A live backup lets it grow after the sync.
  let released = existsSync(join(dest, MANIFEST_FILE)) ? undefined : holdYoungGeneration();
  const job = new LiveBackup(src, dest, {
    delete: flags.delete ?? false,
    checksum: flags.checksum ?? false,
    versions: flags.versions ?? 0,
    exclude: flags.exclude ?? [],
    dryRun: flags.dryRun ?? false,
    once: flags.once ?? false,
    concurrency: flags.concurrency ?? 4,
  });
  const bar = process.stderr.isTTY && !flags.verbose && !flags.dryRun ? new ProgressLine(process.stderr, 'initial sync') : undefined;
  let syncing = true;
  job.on('action', (action: BackupAction) => {
    if (flags.json) print(action);
    else if (flags.verbose || flags.dryRun) process.stdout.write(`${describeAction(action)}\n`);
  });
  job.on('plan', (plan: SyncPlan) => {
    if (plan.copies.length > 0) released ??= holdYoungGeneration();
    if (plan.stale.length > 0) {
      say(
        `${flags.dryRun ? 'would remove' : 'removing'} ${plan.stale.length} entries mirrored earlier whose SRC side went away while tswatch was not running`,
      );
    }
    if (flags.delete && plan.extras.length > 0) {
      say(
        `${flags.dryRun ? 'would delete' : 'deleting'} ${plan.extras.length} entries that exist only in DEST (${plan.extraEntries} files and directories in all)`,
      );
    }
  });
  job.on('progress', (p: { files: number; filesTotal: number; bytes: number; bytesTotal: number }) => {
    if (syncing)
      bar?.update(
        p.bytes + p.files,
        p.bytesTotal + p.filesTotal,
        `${p.files}/${p.filesTotal} files  ${humanBytes(p.bytes)}/${humanBytes(p.bytesTotal)}`,
      );
  });
  let failed = false;
  job.on('error', (err: TswatchError) => {
    bar?.end();
    if (err.code === 'ENOENT' && err.path === job.src) failed = true;
    if (flags.json) print({ action: 'error', path: err.path ?? '', code: err.code, message: err.message });
    process.stderr.write(`tswatch: ${err.describe()}\n`);
  });
  job.on('notice', (line: string) => {
    bar?.end();
    say(line);
  });
  const stopped = new Promise<void>((resolve) => job.once('stop', resolve));
  /** Paths DEST lacks (unreadable, or failed and not retried yet): named, and the exit is PARTIAL. */
  const partial = (): boolean => {
    const missing = [...job.incomplete.keys()].sort();
    if (missing.length === 0) return false;
    const names = missing
      .slice(0, 10)
      .map((rel) => `'${shown(rel)}'`)
      .join(', ');
    say(`${missing.length} ${missing.length === 1 ? 'path is' : 'paths are'} not backed up: ${names}${missing.length > 10 ? ', …' : ''}`);
    return true;
  };
  let interrupted = false;
  const stop = (): void => {
    interrupted = true;
    void job.stop();
  };
  process.once('SIGINT', stop).once('SIGTERM', stop);
  try {
    const summary = await job.start();
    released?.(0);
    syncing = false;
    bar?.end();
    if (flags.json) print({ action: 'sync-done', path: '', ...summary });
    say(describeSummary(summary, flags.delete ?? false));
    if (flags.dryRun || flags.once || interrupted || failed) {
      await job.idle();
      await job.stop();
      process.exitCode = failed ? 1 : partial() ? PARTIAL : summary.errors > 0 ? 1 : 0;
      return;
    }
    say(`watching ${shown(job.src)}, mirroring into ${shown(job.dest)} (Ctrl-C to stop)`);
    await stopped;
    process.exitCode = failed ? 1 : partial() ? PARTIAL : 0;
  } finally {
    bar?.end();
    process.off('SIGINT', stop).off('SIGTERM', stop);
    await job.stop();
  }
}

function parseTime(value: string): Date {
  const date = versionTime(value) ?? new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new TswatchError(`--at '${value}' is not a time`, {
      code: 'EBADFLAG',
      hint: "give a date and time such as '2026-11-26 14:30' or '2026-11-26T14:30:00Z', or a version name from --list",
    });
  }
  return date;
}

function restoreCommand(): Command {
  return new Command('restore')
    .description('Put back a version kept by `tswatch backup --versions N`.')
    .argument('<path>', 'the file as it is (or was) in DEST')
    .option(
      '--at <time>',
      'what the file held at this time: the version replaced first after it, or the current copy (default: the newest version)',
      parseTime,
    )
    .option('--to <file>', 'write it here instead (default: in place in DEST, the current copy kept as a version)')
    .option('--list', 'list the versions kept, oldest first, and change nothing')
    .addHelpText(
      'after',
      `
A version is named by when it was replaced or deleted, so --at TIME gives the first version named TIME or
later, or the current copy when nothing replaced it since (in place: nothing to do). --list prints the
versions oldest first, and exits 1 with a message when none are kept. With --list, --json prints one
JSON object per version (name, time, path).

Examples:
  tswatch backup restore /backup/notes.txt --list
  tswatch backup restore /backup/notes.txt --at '2026-11-26 14:30' --to ~/notes.txt`,
    )
    .action(async (path: string, _flags: unknown, command: Command) => {
      // --json is declared once, on backup (commander would give a second one to the parent anyway).
      const flags = command.optsWithGlobals<{ at?: Date; to?: string; list?: boolean; json?: boolean }>();
      const { listVersions, noVersions, restoreVersion } = await import('../../recipes/backup/index.js');
      if (flags.list) {
        const versions = await listVersions(path);
        // Nothing kept is an error (exit 1), as grep finding nothing is: a script must not read it as "all fine".
        if (versions.length === 0) throw noVersions(path);
        for (const v of versions) {
          process.stdout.write(
            flags.json
              ? `${JSON.stringify({ name: v.name, time: v.time.toISOString(), path: v.path })}\n`
              : `${v.name}\t${shown(v.path)}\n`,
          );
        }
        return;
      }
      const restored = await restoreVersion(path, { ...(flags.at && { at: flags.at }), ...(flags.to !== undefined && { to: flags.to }) });
      const said = restored.unchanged
        ? `${shown(restored.to)} already holds what it held at ${flags.at!.toISOString()}: nothing to restore`
        : `restored ${shown(restored.to)} from ${restored.version ? `version ${restored.version.name}` : `the current copy (nothing replaced it after ${flags.at!.toISOString()})`}`;
      process.stderr.write(`tswatch backup: ${said}\n`);
    });
}

/** `tswatch backup SRC DEST`: a live mirror; `tswatch backup restore PATH`: get a kept version back. */
export function backupCommand(): Command {
  return new Command('backup')
    .description(
      'Mirror SRC into DEST now and live: copies only what is missing or changed, never deletes what only DEST has (unless --delete), then replays every change as it happens.',
    )
    .argument('<src>', 'directory to back up')
    .argument('<dest>', 'directory to mirror it into (created if missing)')
    .option('--delete', 'in the initial sync, delete what exists only in DEST (the count is shown first)')
    .option('--checksum', 'in the initial sync, compare content (sha256) rather than size and mtime')
    .option(
      '--versions <n>',
      'keep the last N copies of every overwritten or deleted file under DEST/.tswatch-versions',
      integerFlag('--versions', 1, 100000),
    )
    .option('--exclude <glob>', 'leave paths matching this glob alone (repeatable; "*.tmp", "build/**", "cache/")', collect)
    .option('-n, --dry-run', 'print what the initial sync would do, change nothing, then exit')
    .option('--once', 'run the initial sync, then exit instead of watching')
    .option('--json', 'log every action as one JSON object per line on stdout')
    .option('-v, --verbose', 'log every action as a line on stdout')
    .option('--concurrency <n>', 'copies running at once (default 4)', integerFlag('--concurrency', 1, 64))
    .addHelpText(
      'after',
      `
Files are copied once written and closed, to a temp name then renamed: DEST never holds a partial file.
Renames are replayed as renames. After a crash or kill, starting again catches up.
(A SRC directory literally named "restore" must be given as ./restore.)

Examples:
  tswatch backup ~/work /mnt/backup/work                       mirror live, keep DEST-only files
  tswatch backup --versions 10 --exclude node_modules ~/src /backup/src
  tswatch backup --once --delete --dry-run ~/work /backup/work  show what an exact mirror would delete
  tswatch backup restore /backup/src/main.c --at '2026-11-26 14:30' --to ~/src/main.c`,
    )
    .action(backup)
    .addCommand(restoreCommand());
}
