import type { Dirent, Stats } from 'node:fs';
import { mkdir, readdir, readlink, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { copyFileAtomic, copySymlinkAtomic, vanished } from './copy-file.js';
import { lstatOrUndefined } from './lstat-or-undefined.js';
import { MirrorBase } from './mirror-base.js';
import { readdirDecoded } from './readdir-decoded.js';
import { sameMetadata, sameSizeAndTime } from './same-entry.js';
import { unmirrorable } from './unmirrorable-name.js';

export type SyncResult = 'copied' | 'unchanged' | 'gone' | 'skipped';

const RENAME_RACES = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'ENOTEMPTY', 'EEXIST']);

/** The operations that keep DEST a mirror of SRC, each on one relative path; every write is atomic. */
export class Mirror extends MirrorBase {
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
      beforeReplace: (_to: string, tmp: string) => this.keepVersion(rel, 'link', tmp),
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
    let dirents: Dirent[];
    try {
      dirents = await readdirDecoded(this.srcPath(rel));
    } catch (err) {
      if (vanished(err)) return; // not a directory (or gone): syncEntry was all
      throw err;
    }
    for (const d of dirents) {
      const child = rel === '' ? d.name : join(rel, d.name);
      const bad = this.o.isExcluded(child, d.isDirectory()) ? undefined : unmirrorable(child);
      if (bad !== undefined) {
        this.o.refuse?.(bad.rel, bad.why);
        continue;
      }
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

  private async syncOne(rel: string, force: boolean): Promise<SyncResult> {
    const st = await lstatOrUndefined(this.srcPath(rel));
    if (st === undefined || !(await this.insideSrc(rel))) return 'gone';
    if (this.o.isExcluded(rel, st.isDirectory()) || unmirrorable(rel) !== undefined) return 'skipped';
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
    const options = {
      beforeReplace: (_to: string, tmp: string) => this.keepVersion(rel, 'link', tmp),
      ...(this.o.onBytes && { onBytes: this.o.onBytes }),
    };
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
}

function kind(st: Stats): string {
  return st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : st.isFile() ? 'file' : 'other';
}
