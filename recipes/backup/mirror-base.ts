import type { Stats } from 'node:fs';
import { chmod, lchown, lstat, lutimes, mkdir, readdir, realpath, rm, unlink, utimes } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BackupAction } from './backup-action.js';
import { vanished } from './copy-file.js';
import { IS_ROOT } from './is-root.js';
import { lstatOrUndefined, lstatSyncOrUndefined } from './lstat-or-undefined.js';
import { isReservedName } from './manifest.js';
import { sameFileContent, sameOwner } from './same-entry.js';
import type { NameProblem } from './unmirrorable-name.js';
import type { Versions } from './versions.js';

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
  /** A SRC path found with a name that cannot be mirrored (tswatch's own in DEST, not UTF-8): not copied. */
  refuse?: (rel: string, why: NameProblem) => void;
}

/**
 * What every Mirror operation stands on: where SRC/rel and DEST/rel are, what DEST holds that is not
 * tswatch's, and the single steps on DEST (parents made, versions kept, metadata set, entries deleted).
 * Apart from Mirror so that the syncs and renames built on these steps read on their own.
 */
export class MirrorBase {
  private realSrc: Promise<string> | undefined;

  constructor(protected readonly o: MirrorOptions) {}

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

  // Paths by concatenation: every rel is relative and already normal (built from directory entries or
  // by path.relative), and join's normalizing was a good share of a big sync's garbage.
  srcPath(rel: string): string {
    return rel === '' ? this.o.src : `${this.o.src}/${rel}`;
  }

  destPath(rel: string): string {
    return rel === '' ? this.o.dest : `${this.o.dest}/${rel}`;
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

  /**
   * Mode, owner and mtime of every directory, deepest first (entries written into them moved their
   * mtime). The lstats are synchronous and a directory that already matches is left alone: after a
   * no-op sync that is every one of them, and three metadata calls each through the thread pool were
   * a good part of its time.
   */
  async directoryTimes(rels: readonly string[]): Promise<void> {
    for (let i = rels.length - 1; i >= 0; i--) {
      const rel = rels[i]!;
      const st = lstatSyncOrUndefined(this.srcPath(rel));
      if (!st?.isDirectory()) continue;
      const dst = lstatSyncOrUndefined(this.destPath(rel));
      if (!dst?.isDirectory()) continue;
      // utimes(2) carries floating seconds: a time it set matches to the microsecond. A millisecond's
      // slack missed an entry renamed into DEST within a millisecond of SRC's own change.
      if (dst.mode === this.modeFor(rel, st) && sameOwner(st, dst) && Math.abs(st.mtimeMs - dst.mtimeMs) < 0.001) continue;
      await this.applyMetadata(rel, st);
    }
  }

  /**
   * SRC/rel's directory is a real directory of SRC: no ancestor was swapped for a symlink since the
   * event (which would make SRC/rel name something elsewhere, even outside SRC).
   */
  protected async insideSrc(rel: string): Promise<boolean> {
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
  protected async ensureParent(rel: string): Promise<void> {
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

  /**
   * Keep DEST/rel as a version before it is deleted or replaced (by `replacement`). A replacement with
   * the same content is no change: a file new in a new directory is copied twice, once found by the
   * scan of its directory and once at its close, and must not be its own previous version.
   */
  protected async keepVersion(rel: string, how: 'move' | 'link', replacement?: string): Promise<string | undefined> {
    if (this.o.versions === undefined) return undefined;
    if (replacement !== undefined && (await sameFileContent(this.destPath(rel), replacement))) return undefined;
    const kept = await this.o.versions.keep(rel, how);
    if (kept !== undefined) this.o.log({ action: 'version', path: rel, to: kept.slice(this.o.dest.length + 1) });
    return kept;
  }

  protected async applyMetadata(rel: string, st: Stats): Promise<void> {
    const dest = this.destPath(rel);
    if (IS_ROOT) await lchown(dest, st.uid, st.gid);
    if (st.isSymbolicLink()) {
      await lutimes(dest, st.atimeMs / 1000, st.mtimeMs / 1000);
      return;
    }
    await chmod(dest, this.modeFor(rel, st) & 0o7777);
    await utimes(dest, st.atimeMs / 1000, st.mtimeMs / 1000);
  }

  /** The mode DEST/rel gets for SRC's `st`: DEST's top keeps its owner's write and search bits (tswatch writes its manifest and versions there). */
  private modeFor(rel: string, st: Stats): number {
    return rel === '' && !IS_ROOT ? st.mode | 0o300 : st.mode;
  }
}
