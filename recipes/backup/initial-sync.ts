import { type Dirent, lstatSync, type Stats } from 'node:fs';
import { readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isTempName, vanished } from './copy-file.js';
import { denied } from '../permission-denied.js';
import { sameMetadata, sameSizeAndTime } from './mirror.js';
import { isReservedName } from './manifest.js';
import { sha256File } from '../sha256-file.js';

export interface PlannedCopy {
  rel: string;
  /** `copy`: content differs or is missing; `attrs`: only mode, owner or times differ. */
  kind: 'copy' | 'attrs';
  bytes: number;
  /** A regular file DEST lacked: the inode the walk saw (the copy may skip re-checking, see Mirror.copyNew). */
  seen?: { dev: number; ino: number };
}

/** What the initial sync (or a resync after an overflow) has to do, found by walking SRC and DEST together. */
export interface SyncPlan {
  copies: PlannedCopy[];
  /** Top-most DEST entries with no SRC counterpart, not from SRC as far as the manifest knows (kept unless --delete). */
  extras: string[];
  /** Top-most DEST entries with no SRC counterpart that were mirrored from SRC (its side went away). */
  stale: string[];
  /** Every SRC path the walk saw (what DEST mirrors now: the next manifest). */
  seen: string[];
  /** Files, symlinks and directories at or below `extras`. */
  extraEntries: number;
  /** SRC paths tswatch may not read (EACCES): skipped, their DEST side left as it is. */
  unreadable: Array<{ rel: string; err: unknown }>;
  /** Leftovers of copies a killed tswatch did not finish. */
  temps: string[];
  /** Every SRC directory, parents first (their times are set once the copies are in). */
  dirs: string[];
  unchanged: number;
  bytes: number;
}

export interface PlanOptions {
  src: string;
  dest: string;
  isExcluded: (rel: string, isDir: boolean) => boolean;
  /** Compare content (sha256) instead of size and mtime. */
  checksum?: boolean;
  /** True for a path tswatch mirrored into DEST before (the manifest). */
  mirrored?: (rel: string) => boolean;
}


/** The entries of a directory, [] when it vanished; undefined (and noted) when it may not be read. */
async function direntsOf(path: string, noted?: (err: unknown) => void): Promise<Dirent[] | undefined> {
  try {
    return await readdir(path, { withFileTypes: true });
  } catch (err) {
    if (vanished(err)) return [];
    if (noted !== undefined && denied(err)) return void noted(err);
    throw err;
  }
}

/**
 * Synchronous, as rsync's walk is: from the inode cache an lstat takes a microsecond or two, a trip
 * through the thread pool ten times that (a no-op re-sync of 10,000 files was mostly those trips).
 */
async function statOf(path: string, noted?: (err: unknown) => void): Promise<Stats | undefined> {
  try {
    return lstatSync(path);
  } catch (err) {
    if (vanished(err)) return undefined;
    if (noted !== undefined && denied(err)) return void noted(err);
    throw err;
  }
}

/** Entries of one directory looked at at once (their checksums, readlinks: the rest is synchronous). */
const WALK_WIDTH = 32;

/** Walk SRC and DEST side by side; nothing is changed. */
export async function planSync(options: PlanOptions): Promise<SyncPlan> {
  const plan: SyncPlan = { copies: [], extras: [], stale: [], seen: [], extraEntries: 0, unreadable: [], temps: [], dirs: [], unchanged: 0, bytes: 0 };
  const { src, dest, isExcluded } = options;
  const at = (root: string, rel: string): string => (rel === '' ? root : join(root, rel));
  const child = (rel: string, name: string): string => (rel === '' ? name : join(rel, name));

  const sameContent = async (rel: string, st: Stats, dst: Stats): Promise<boolean> => {
    if (st.isSymbolicLink()) return dst.isSymbolicLink() && (await readlink(at(src, rel))) === (await readlink(at(dest, rel)));
    if (!st.isFile() || !dst.isFile()) return false;
    if (!options.checksum) return sameSizeAndTime(st, dst);
    return st.size === dst.size && (await sha256File(at(src, rel))) === (await sha256File(at(dest, rel)));
  };

  /** DEST-only subtree: count it, and find temp files in it. */
  const walkExtra = async (rel: string, dirent: Dirent): Promise<void> => {
    plan.extraEntries++;
    if (!dirent.isDirectory()) return;
    for (const d of (await direntsOf(at(dest, rel))) ?? []) {
      if (isTempName(d.name)) plan.temps.push(child(rel, d.name));
      else await walkExtra(child(rel, d.name), d);
    }
  };

  const unreadable = (rel: string) => (err: unknown) => void plan.unreadable.push({ rel, err });

  /** Plan one SRC entry; resolves to whether it is a directory to visit (after its siblings). */
  const entry = async (path: string, destDirent: Dirent | undefined): Promise<boolean | undefined> => {
    const st = await statOf(at(src, path), unreadable(path));
    // Sockets, FIFOs and devices are not backed up (reading a FIFO would block, a device never ends).
    if (st === undefined || !(st.isFile() || st.isDirectory() || st.isSymbolicLink())) return undefined;
    const dst = destDirent === undefined ? undefined : await statOf(at(dest, path));
    if (st.isDirectory()) {
      plan.dirs.push(path);
      if (!dst?.isDirectory()) plan.copies.push({ rel: path, kind: 'copy', bytes: 0 });
      return dst?.isDirectory() ?? false;
    }
    if (dst !== undefined && (await sameContent(path, st, dst))) {
      if (sameMetadata(st, dst) && (st.isSymbolicLink() || Math.abs(st.mtimeMs - dst.mtimeMs) < 1)) plan.unchanged++;
      else plan.copies.push({ rel: path, kind: 'attrs', bytes: 0 });
    } else {
      const bytes = st.isFile() ? st.size : 0;
      plan.copies.push({ rel: path, kind: 'copy', bytes, ...(dst === undefined && st.isFile() && { seen: { dev: st.dev, ino: st.ino } }) });
      plan.bytes += bytes;
    }
    return undefined;
  };

  // A directory's entries are looked at WALK_WIDTH at a time (a walk of one lstat after another is all
  // round trips), its subdirectories after them, one by one: memory stays bounded, and `copies` and
  // `dirs` list every directory before anything in it.
  const visit = async (rel: string, destIsDir: boolean): Promise<void> => {
    // A SRC directory we may not read: skipped, and what DEST holds of it is neither stale nor extra.
    const [destDirents, srcDirents] = await Promise.all([destIsDir ? direntsOf(at(dest, rel)) : [], direntsOf(at(src, rel), unreadable(rel))]);
    if (srcDirents === undefined) return;
    const inDest = new Map((destDirents ?? []).map((d) => [d.name, d] as const));
    const todo: Array<[string, Dirent | undefined]> = [];
    for (const d of srcDirents) {
      const path = child(rel, d.name);
      const destDirent = inDest.get(d.name);
      inDest.delete(d.name);
      if (isTempName(d.name) || (rel === '' && isReservedName(d.name)) || isExcluded(path, d.isDirectory())) continue;
      plan.seen.push(path);
      todo.push([path, destDirent]);
    }
    const subdirs: Array<[string, boolean]> = [];
    for (let i = 0; i < todo.length; i += WALK_WIDTH) {
      const chunk = todo.slice(i, i + WALK_WIDTH);
      const dirs = await Promise.all(chunk.map(([path, destDirent]) => entry(path, destDirent)));
      dirs.forEach((destHas, k) => destHas !== undefined && subdirs.push([chunk[k]![0], destHas]));
    }
    for (const [path, destHas] of subdirs) await visit(path, destHas);
    for (const [name, dirent] of inDest) {
      const path = child(rel, name);
      if (isTempName(name)) plan.temps.push(path);
      else if (!(rel === '' && isReservedName(name)) && !isExcluded(path, dirent.isDirectory())) {
        if (options.mirrored?.(path)) {
          plan.stale.push(path);
        } else {
          plan.extras.push(path);
          await walkExtra(path, dirent);
        }
      }
    }
  };

  await visit('', (await statOf(dest))?.isDirectory() ?? false);
  return plan;
}
