import { constants, type Dirent } from 'node:fs';
import { copyFile, link, lstat, mkdir, readdir, readlink, rename, symlink, unlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Earlier copies live under `DEST/.tswatch-versions/<relpath>/<timestamp>`: one directory per backed-up
 * path, one entry per version, named by the UTC time it was replaced or deleted
 * (`2026-11-26T01-02-03.456Z`, colons spelled `-` so the names survive any filesystem; `-1`, `-2` … if
 * two versions share a millisecond). Names sort in time order. A path's versions are files or
 * symlinks; a directory there is a deeper path (`a/b` has its versions in `a/b/`).
 */
export const VERSIONS_DIR = '.tswatch-versions';
const STAMP = /^(\d{4}-\d\d-\d\d)T(\d\d)-(\d\d)-(\d\d)(\.\d{3}Z)(?:-\d+)?$/;

export interface Version {
  name: string;
  path: string;
  time: Date;
}

export function versionTime(name: string): Date | undefined {
  const m = STAMP.exec(name);
  return m ? new Date(`${m[1]}T${m[2]}:${m[3]}:${m[4]}${m[5]}`) : undefined;
}

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}

export class Versions {
  readonly root: string;

  /** `keep`: how many versions of each path to keep (the oldest go first). */
  constructor(
    private readonly dest: string,
    private readonly keepCount: number,
  ) {
    this.root = join(dest, VERSIONS_DIR);
  }

  /**
   * Keep DEST/rel (a file or symlink) as its newest version, then prune. `move` takes it away (before a
   * delete); `link` leaves it in place (before an overwrite, so DEST never lacks the file).
   * Resolves to the version's path, or undefined if there was nothing to keep.
   */
  async keep(rel: string, how: 'move' | 'link'): Promise<string | undefined> {
    const current = join(this.dest, rel);
    const dir = join(this.root, rel);
    try {
      if ((await lstat(current)).isDirectory()) return undefined;
    } catch (err) {
      if (code(err) === 'ENOENT') return undefined;
      throw err;
    }
    await mkdir(dir, { recursive: true });
    const stamp = new Date().toISOString().replace(/:/g, '-');
    for (let n = 0; ; n++) {
      const path = join(dir, n === 0 ? stamp : `${stamp}-${n}`);
      try {
        await preserve(current, path, how);
      } catch (err) {
        if (code(err) === 'EEXIST') continue;
        if (code(err) === 'ENOENT') return undefined;
        throw err;
      }
      await this.prune(rel);
      return path;
    }
  }

  /** Versions of `rel`, oldest first. */
  async list(rel: string): Promise<Version[]> {
    const dir = join(this.root, rel);
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (code(err) === 'ENOENT' || code(err) === 'ENOTDIR') return [];
      throw err;
    }
    const versions: Version[] = [];
    for (const entry of entries) {
      const time = entry.isDirectory() ? undefined : versionTime(entry.name);
      if (time !== undefined) versions.push({ name: entry.name, path: join(dir, entry.name), time });
    }
    return versions.sort((a, b) => a.time.getTime() - b.time.getTime() || (a.name < b.name ? -1 : 1));
  }

  private async prune(rel: string): Promise<void> {
    const versions = await this.list(rel);
    for (const old of versions.slice(0, Math.max(0, versions.length - this.keepCount))) {
      await unlink(old.path).catch((err: unknown) => {
        if (code(err) !== 'ENOENT') throw err;
      });
    }
  }
}

/** Filesystems (or mounts) where a hard link cannot be made: copy or rename instead. */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'EMLINK']);

/** Put `current` at `path` as a version: a hard link (no copy; `move` then unlinks), else a copy or rename. */
async function preserve(current: string, path: string, how: 'move' | 'link'): Promise<void> {
  try {
    await link(current, path); // link(2) does not follow a symlink: the link itself is kept
    if (how === 'move') await unlink(current);
    return;
  } catch (err) {
    if (!NO_LINKS.has(code(err) ?? '')) throw err;
  }
  const st = await lstat(current);
  if (
    await lstat(path).then(
      () => true,
      () => false,
    )
  )
    throw Object.assign(new Error(path), { code: 'EEXIST' });
  if (how === 'move') {
    await rename(current, path);
  } else if (st.isSymbolicLink()) {
    await symlink(await readlink(current), path);
  } else {
    await copyFile(current, path, constants.COPYFILE_EXCL);
    await utimes(path, st.atime, st.mtime);
  }
}

/**
 * A version is named by when its content was replaced (or deleted), so the content a path held at `at`
 * is the first version replaced at or after `at`; undefined when none was (the live copy held it, if
 * any). Without `at`: the newest version (undo the last change).
 */
export function pickVersion(versions: readonly Version[], at?: Date): Version | undefined {
  if (at === undefined) return versions[versions.length - 1];
  return versions.find((v) => v.time.getTime() >= at.getTime());
}
