import { lstat, readlink } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { TswatchError } from '../../src/index.js';
import { copyFileAtomic, copySymlinkAtomic } from './copy-file.js';
import { pickVersion, type Version, Versions, VERSIONS_DIR } from './versions.js';

export interface RestoreOptions {
  /** What the file held at this time (default: the newest version, undoing the last change). */
  at?: Date;
  /** Where to write it (default: back in place in DEST, the current copy kept as a version first). */
  to?: string;
}

export interface Restored {
  /** The version put back; undefined when the live DEST copy is what the file held at `at`. */
  version: Version | undefined;
  to: string;
  /** Nothing was written: restoring in place, and DEST already holds that content. */
  unchanged: boolean;
}

/** The backup DEST holding `path` (the nearest ancestor with a .tswatch-versions) and path's place in it. */
export async function findBackup(path: string): Promise<{ dest: string; rel: string }> {
  const absolute = resolve(path);
  for (let dir = dirname(absolute); ; dir = dirname(dir)) {
    if ((await lstat(join(dir, VERSIONS_DIR)).catch(() => undefined))?.isDirectory()) return { dest: dir, rel: relative(dir, absolute) };
    if (dir === dirname(dir)) break;
  }
  throw new TswatchError(`'${path}' is not inside a backup with versions`, {
    code: 'ENOENT',
    path,
    hint: `give a path inside a DEST written by \`tswatch backup --versions N\` (a directory with ${VERSIONS_DIR}/)`,
  });
}

/** Versions of `path` (inside a backup DEST), oldest first. */
export async function listVersions(path: string): Promise<Version[]> {
  const { dest, rel } = await findBackup(path);
  return new Versions(dest, Infinity).list(rel);
}

const NONE_KEPT_HINT = 'versions are kept only by `tswatch backup --versions N`, from the first overwrite or delete on';

/** The error for a path with no versions at all (`--list` and restore). */
export function noVersions(path: string): TswatchError {
  return new TswatchError(`no versions of '${path}' are kept`, { code: 'ENOENT', path, hint: NONE_KEPT_HINT });
}

/**
 * The copy holding what `path` held at `at`: a version, or the live DEST copy when nothing replaced it
 * since. Its mtime must not be later than `at` (else that content was written after `at`: what the
 * file held then was pruned, or the file did not exist yet).
 */
async function contentAt(path: string, current: string, all: readonly Version[], at: Date): Promise<Version | undefined> {
  const version = pickVersion(all, at);
  const st = await lstat(version?.path ?? current).catch(() => undefined);
  const when = at.toISOString();
  if (st === undefined) {
    throw new TswatchError(`'${path}' was not in the backup at ${when}: it was deleted at ${all.at(-1)!.time.toISOString()}`, {
      code: 'ENOENT',
      path,
      hint: `list what is kept with --list, and give an --at before it was deleted`,
    });
  }
  if (st.mtimeMs > at.getTime()) {
    const older = all.filter((v) => v.time.getTime() < at.getTime()).at(-1);
    throw new TswatchError(`no kept copy of '${path}' holds what it held at ${when}`, {
      code: 'ENOENT',
      path,
      hint: older
        ? `it was deleted at ${older.time.toISOString()} and written again at ${st.mtime.toISOString()}; list what is kept with --list`
        : `the oldest content kept was written at ${st.mtime.toISOString()} (older ones were pruned by --versions N, or the file did not exist yet); list them with --list`,
    });
  }
  return version;
}

/** Put back what `path` held at `options.at` (default: its newest version), atomically, with its mode and times. */
export async function restoreVersion(path: string, options: RestoreOptions = {}): Promise<Restored> {
  const { dest, rel } = await findBackup(path);
  const versions = new Versions(dest, Infinity);
  const all = await versions.list(rel);
  if (all.length === 0) throw noVersions(path);
  const current = join(dest, rel);
  const version = options.at === undefined ? all.at(-1)! : await contentAt(path, current, all, options.at);
  const to = resolve(options.to ?? current);
  if (version === undefined && to === current) return { version, to, unchanged: true };
  const from = version?.path ?? current;
  const keepCurrent = options.to === undefined ? () => versions.keep(rel, 'link') : undefined;
  const st = await lstat(from);
  if (st.isSymbolicLink()) await copySymlinkAtomic(await readlink(from), st, to, keepCurrent);
  else await copyFileAtomic(from, to, keepCurrent === undefined ? {} : { beforeReplace: keepCurrent });
  return { version, to, unchanged: false };
}
