import { type Dirent, lstatSync, type Stats } from 'node:fs';
import { chmod, lchown, lstat, lutimes, mkdir, readdir, readlink, realpath, rename, rm, unlink, utimes } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { copyFileAtomic, copySymlinkAtomic, vanished } from './copy-file.js';
import { isReservedName } from './manifest.js';
import type { Versions } from './versions.js';

/** One thing done to DEST (or, with dryRun, that would be done): what `--json` prints, one per line. */
export interface BackupAction {
  action: 'copy' | 'mkdir' | 'symlink' | 'rename' | 'delete' | 'attrs' | 'version' | 'clean-temp' | 'skip';
  /** Relative to SRC and DEST. */
  path: string;
  /** rename: the new path; version: where the old copy went (relative to DEST). */
  to?: string;
  bytes?: number;
  reason?: string;
  dryRun?: true;
}

export interface MirrorOptions {
  src: string;
  dest: string;
  versions: Versions | undefined;
  isExcluded: (rel: string, isDir: boolean) => boolean;
  log: (action: BackupAction) => void;
  /** Called (and awaited) before a path is created in DEST: the manifest. */
  record?: (rel: string) => Promise<void>;
  /** Called after a path (a directory: with all below it) left DEST. */
  forget?: (rel: string, isDir: boolean) => void;
  onBytes?: (bytes: number) => void;
  /** True for a DEST path tswatch put there (the manifest); others are the user's own and are kept. */
  mirrored?: (rel: string) => boolean;
  /** DEST/from was renamed to DEST/to: what was listed under the old name is listed under the new. */
  moved?: (from: string, to: string) => Promise<void>;
  /** A path below a tree being synced failed: said here, and the rest of the tree goes on. */
  fail?: (err: unknown, rel: string) => void;
}

export type SyncResult = 'copied' | 'unchanged' | 'gone' | 'skipped';

const IS_ROOT = process.getuid?.() === 0;

const RENAME_RACES = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'ENOTEMPTY', 'EEXIST']);

export async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (err) {
    if (vanished(err)) return undefined;
    throw err;
  }
}

function lstatSyncOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (err) {
    if (vanished(err)) return undefined;
    throw err;
  }
}

/** Same content as far as size and mtime tell (1 ms: times cross utimes as floating seconds). */
export function sameSizeAndTime(a: Stats, b: Stats): boolean {
  return a.size === b.size && Math.abs(a.mtimeMs - b.mtimeMs) < 1;
}

export function sameMetadata(a: Stats, b: Stats): boolean {
  return (a.mode & 0o7777) === (b.mode & 0o7777) && (!IS_ROOT || (a.uid === b.uid && a.gid === b.gid));
}

/** The operations that keep DEST a mirror of SRC, each on one relative path; every write is atomic. */
export class Mirror {
  private realSrc: Promise<string> | undefined;

  constructor(private readonly o: MirrorOptions) {}

  isExcluded(rel: string, isDir: boolean): boolean {
    return this.o.isExcluded(rel, isDir);
  }

  /** DEST/rel came from SRC (without a manifest, as in a dry run: everything is taken as mirrored). */
  isMirrored(rel: string): boolean {
    return this.o.mirrored?.(rel) ?? true;
  }

  /** DEST/rel stays though SRC lost it (it holds the user's own files): it is the user's from now on. */
  disown(rel: string): void {
    this.o.forget?.(rel, false);
  }

  srcPath(rel: string): string {
    return rel === '' ? this.o.src : join(this.o.src, rel);
  }

  destPath(rel: string): string {
    return rel === '' ? this.o.dest : join(this.o.dest, rel);
  }

  /** Make DEST/rel match SRC/rel, this entry only. `force` copies a file even if it looks unchanged. */
  async syncEntry(rel: string, force = false): Promise<SyncResult> {
    try {
      return await this.syncOne(rel, force);
    } catch (err) {
      if (vanished(err) && (await lstatOrUndefined(this.srcPath(rel))) === undefined) return 'gone';
      throw err;
    }
  }

  /**
   * The initial sync's copy of a regular file DEST lacked when the walk looked. The walk's lstat stands
   * in for syncOne's (the file opened must be the inode it saw, so a swapped ancestor is never followed
   * out of SRC); anything else takes the careful way.
   */
  async copyNew(rel: string, seen: { dev: number; ino: number }): Promise<SyncResult> {
    try {
      await this.ensureParent(rel);
    } catch (err) {
      if (vanished(err)) return this.syncEntry(rel, true);
      throw err;
    }
    await this.o.record?.(rel);
    const bytes = await copyFileAtomic(this.srcPath(rel), this.destPath(rel), {
      expect: seen,
      beforeReplace: () => this.keepVersion(rel, 'link'),
      ...(this.o.onBytes && { onBytes: this.o.onBytes }),
    });
    if (bytes === undefined) return this.syncEntry(rel, true);
    this.o.log({ action: 'copy', path: rel, bytes });
    return 'copied';
  }

  /** syncEntry for rel and everything below it in SRC. */
  async syncTree(rel: string): Promise<void> {
    const result = await this.syncEntry(rel);
    if (result === 'gone' || result === 'skipped') return;
    if (!(await lstatOrUndefined(this.srcPath(rel)))?.isDirectory()) return; // never list through a symlink
    let names: string[];
    try {
      names = await readdir(this.srcPath(rel));
    } catch (err) {
      if (vanished(err)) return; // not a directory (or gone): syncEntry was all
      throw err;
    }
    for (const name of names) {
      const child = rel === '' ? name : join(rel, name);
      if (this.o.fail === undefined) await this.syncTree(child);
      else await this.syncTree(child).catch((err: unknown) => this.o.fail!(err, child));
    }
  }

  /** Mode, owner and times of SRC/rel onto DEST/rel, without copying content (IN_ATTRIB). */
  async attrs(rel: string): Promise<void> {
    const [st, dst] = await Promise.all([lstatOrUndefined(this.srcPath(rel)), lstatOrUndefined(this.destPath(rel))]);
    if (st === undefined || dst === undefined || this.o.isExcluded(rel, st.isDirectory())) return;
    if (kind(st) !== kind(dst)) {
      await this.syncEntry(rel);
      return;
    }
    // A size change means content is still being written: its IN_CLOSE_WRITE will copy it whole.
    if (st.isFile() && st.size !== dst.size) return;
    await this.applyMetadata(rel, st);
    this.o.log({ action: 'attrs', path: rel });
  }

  /** Replay a rename in DEST: one rename(2), no copy. Falls back to copying when DEST lacks the source. */
  async rename(from: string, to: string): Promise<void> {
    const moving = await lstatOrUndefined(this.destPath(from));
    if (moving === undefined) {
      await this.syncTree(to);
      return;
    }
    try {
      await this.ensureParent(to);
    } catch (err) {
      if (!vanished(err)) throw err;
      await this.remove(from); // SRC has no place for it any more: it is gone from there too
      return;
    }
    const target = await lstatOrUndefined(this.destPath(to));
    if (target !== undefined) {
      // The rename replaced SRC/to: keep the old DEST copy (versions), as a delete would.
      if (target.isDirectory() || moving.isDirectory()) await this.remove(to);
      else await this.keepVersion(to, 'link');
    }
    try {
      await this.o.record?.(to);
      await rename(this.destPath(from), this.destPath(to));
    } catch (err) {
      // SRC has changed again since this rename (its new parent is a file now, say): mirror the
      // rename's outcome instead, as far as SRC still shows it; later events do the rest.
      if (!RENAME_RACES.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
      await this.remove(from);
      await this.syncTree(to);
      return;
    }
    if (this.o.moved) await this.o.moved(from, to);
    else this.o.forget?.(from, moving.isDirectory());
    this.o.log({ action: 'rename', path: from, to });
    // A copy queued under the old name may have found its source gone (renamed under it): compare what
    // was moved with SRC, metadata only (unchanged files are not copied again).
    if (moving.isDirectory()) await this.refreshMoved(to);
    else await this.syncEntry(to);
  }

  /** Delete DEST/rel (a directory with all below it); with versions, every file is kept first. */
  async remove(rel: string, quiet = false): Promise<boolean> {
    if (rel === '' || isReservedName(rel.split('/')[0]!)) return false;
    const dst = await lstatOrUndefined(this.destPath(rel));
    if (dst === undefined) return false;
    if (dst.isDirectory()) {
      if (this.o.versions !== undefined) {
        for (const name of await readdir(this.destPath(rel))) await this.remove(join(rel, name), true);
      }
      await rm(this.destPath(rel), { recursive: true, force: true });
    } else if ((await this.keepVersion(rel, 'move')) === undefined) {
      await unlink(this.destPath(rel)).catch((err: unknown) => {
        if (!vanished(err)) throw err;
      });
    }
    this.o.forget?.(rel, dst.isDirectory());
    if (!quiet) this.o.log({ action: 'delete', path: rel });
    return true;
  }

  /** Mode, owner and mtime of every directory, deepest first (entries written into them moved their mtime). */
  async directoryTimes(rels: readonly string[]): Promise<void> {
    for (const rel of [...rels].reverse()) {
      const st = await lstatOrUndefined(this.srcPath(rel));
      if (st?.isDirectory() && (await lstatOrUndefined(this.destPath(rel)))?.isDirectory()) await this.applyMetadata(rel, st);
    }
  }

  private async syncOne(rel: string, force: boolean): Promise<SyncResult> {
    const st = await lstatOrUndefined(this.srcPath(rel));
    if (st === undefined || !(await this.insideSrc(rel))) return 'gone';
    if (this.o.isExcluded(rel, st.isDirectory())) return 'skipped';
    await this.ensureParent(rel);
    const dest = this.destPath(rel);
    const dst = await lstatOrUndefined(dest);
    if (dst !== undefined && kind(dst) !== kind(st) && (dst.isDirectory() || st.isDirectory())) await this.remove(rel);
    if (st.isDirectory()) {
      if (dst?.isDirectory()) {
        if (!sameMetadata(st, dst)) await this.applyMetadata(rel, st);
        return 'unchanged';
      }
      await this.o.record?.(rel);
      await mkdir(dest, { mode: 0o700 });
      await this.applyMetadata(rel, st);
      this.o.log({ action: 'mkdir', path: rel });
      return 'copied';
    }
    if (st.isSymbolicLink()) {
      const target = await readlink(this.srcPath(rel));
      if (dst?.isSymbolicLink() && (await readlink(dest)) === target) return 'unchanged';
      await this.o.record?.(rel);
      await copySymlinkAtomic(target, st, dest, () => this.keepVersion(rel, 'link'));
      this.o.log({ action: 'symlink', path: rel });
      return 'copied';
    }
    if (!st.isFile()) {
      this.o.log({ action: 'skip', path: rel, reason: 'not a regular file, directory or symlink' });
      return 'skipped';
    }
    if (!force && dst?.isFile() && sameSizeAndTime(st, dst)) {
      if (!sameMetadata(st, dst)) await this.applyMetadata(rel, st);
      return 'unchanged';
    }
    const options = { beforeReplace: () => this.keepVersion(rel, 'link'), ...(this.o.onBytes && { onBytes: this.o.onBytes }) };
    await this.o.record?.(rel);
    const bytes = await copyFileAtomic(this.srcPath(rel), dest, options);
    if (bytes === undefined) return 'gone';
    this.o.log({ action: 'copy', path: rel, bytes });
    return 'copied';
  }

  /**
   * Re-sync what a directory rename brought along, where SRC has it too. Entries SRC has and DEST lacks
   * are left to their own queued events (a later rename into the directory must stay a rename).
   */
  private async refreshMoved(rel: string): Promise<void> {
    let dirents: Dirent[];
    try {
      dirents = await readdir(this.destPath(rel), { withFileTypes: true });
    } catch (err) {
      if (vanished(err)) return;
      throw err;
    }
    for (const d of dirents) {
      const child = join(rel, d.name);
      if (d.isDirectory()) await this.refreshMoved(child);
      else if ((await lstatOrUndefined(this.srcPath(child))) !== undefined) await this.syncEntry(child);
    }
  }

  /**
   * SRC/rel's directory is a real directory of SRC: no ancestor was swapped for a symlink since the
   * event (which would make SRC/rel name something elsewhere, even outside SRC).
   */
  private async insideSrc(rel: string): Promise<boolean> {
    const parent = dirname(rel);
    if (parent === '.') return true;
    this.realSrc ??= realpath(this.o.src);
    try {
      return (await realpath(this.srcPath(parent))) === join(await this.realSrc, parent);
    } catch (err) {
      if (vanished(err)) return false;
      throw err;
    }
  }

  /**
   * Create DEST's missing ancestors of rel, as SRC has them. An existing ancestor is never removed or
   * replaced here: that is the job queued for that path, and other jobs may be working below it.
   * Throws ENOENT / ENOTDIR when SRC no longer has them as directories (the caller's path is gone).
   */
  private async ensureParent(rel: string): Promise<void> {
    const parent = dirname(rel);
    if (parent === '.') return;
    // Synchronous: DEST's parent was just looked at or made (in the cache), and this runs once per copy.
    const dst = lstatSyncOrUndefined(this.destPath(parent));
    if (dst?.isDirectory()) return;
    const notDir = Object.assign(new Error(`'${parent}' is not a directory`), { code: 'ENOTDIR' });
    if (dst !== undefined) throw notDir;
    await this.ensureParent(parent);
    const st = await lstat(this.srcPath(parent));
    if (!st.isDirectory()) throw notDir;
    try {
      await this.o.record?.(parent);
      await mkdir(this.destPath(parent), { mode: 0o700 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return; // a sibling's job made it first
      throw err;
    }
    await this.applyMetadata(parent, st);
    this.o.log({ action: 'mkdir', path: parent });
  }

  private async keepVersion(rel: string, how: 'move' | 'link'): Promise<string | undefined> {
    if (this.o.versions === undefined) return undefined;
    const kept = await this.o.versions.keep(rel, how);
    if (kept !== undefined) this.o.log({ action: 'version', path: rel, to: kept.slice(this.o.dest.length + 1) });
    return kept;
  }

  private async applyMetadata(rel: string, st: Stats): Promise<void> {
    const dest = this.destPath(rel);
    if (IS_ROOT) await lchown(dest, st.uid, st.gid);
    if (st.isSymbolicLink()) {
      await lutimes(dest, st.atimeMs / 1000, st.mtimeMs / 1000);
      return;
    }
    await chmod(dest, st.mode & 0o7777);
    await utimes(dest, st.atimeMs / 1000, st.mtimeMs / 1000);
  }
}

function kind(st: Stats): string {
  return st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : st.isFile() ? 'file' : 'other';
}
