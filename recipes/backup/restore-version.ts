import { lstat, readlink } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { TswatchError } from '../../src/index.js';
import { copyFileAtomic, copySymlinkAtomic } from './copy-file.js';
import { pickVersion, type Version, Versions, VERSIONS_DIR } from './versions.js';

export interface RestoreOptions {
  /** The newest version at or before this time (default: the newest). */
  at?: Date;
  /** Where to write it (default: back in place in DEST, the current copy kept as a version first). */
  to?: string;
}

export interface Restored {
  version: Version;
  to: string;
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

/** Put a kept version of `path` back (atomically, with its mode and times). */
export async function restoreVersion(path: string, options: RestoreOptions = {}): Promise<Restored> {
  const { dest, rel } = await findBackup(path);
  const versions = new Versions(dest, Infinity);
  const all = await versions.list(rel);
  const version = pickVersion(all, options.at);
  if (version === undefined) {
    throw new TswatchError(
      all.length === 0 ? `no versions of '${path}' are kept` : `no version of '${path}' at or before ${options.at?.toISOString()}`,
      {
        code: 'ENOENT',
        path,
        hint: all.length === 0 ? 'versions are kept only by `tswatch backup --versions N`' : `the oldest is ${all[0]!.name}; list them with --list`,
      },
    );
  }
  const to = resolve(options.to ?? join(dest, rel));
  const keepCurrent = options.to === undefined ? () => versions.keep(rel, 'link') : undefined;
  const st = await lstat(version.path);
  if (st.isSymbolicLink()) await copySymlinkAtomic(await readlink(version.path), st, to, keepCurrent);
  else await copyFileAtomic(version.path, to, keepCurrent === undefined ? {} : { beforeReplace: keepCurrent });
  return { version, to };
}
