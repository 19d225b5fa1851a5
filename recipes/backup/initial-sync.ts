import { type Dirent, lstatSync, readlinkSync, type Stats } from 'node:fs';
import { setImmediate as setImmediatePromise } from 'node:timers/promises';
import { type DirListing, DirStats, type EntryStat } from '../../src/index.js';
import { isTempName, vanished } from './copy-file.js';
import { denied } from '../permission-denied.js';
import { sameMetadata, sameSizeAndTime } from './same-entry.js';
import { isReservedName } from './manifest.js';
import { readdirDecodedSync } from './readdir-decoded.js';
import { type DirSide, dirSide } from './dir-side.js';
import { type NameProblem, nameProblem } from './unmirrorable-name.js';
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
  /** SRC paths whose names cannot be mirrored (tswatch's own in DEST, not UTF-8): skipped, their DEST side left alone. */
  badNames: Array<{ rel: string; why: NameProblem }>;
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
  /**
   * Whether a directory may be listed on libuv's thread pool now (default: always). Not while copies
   * hold its threads (a live backup's resync): a listing would wait behind each copy, so the walk
   * reads on the main thread then, as it always did.
   */
  poolFree?: () => boolean;
}

/** The entries of a directory, [] when it vanished; undefined (and noted) when it may not be read. */
function direntsOf(path: string, noted?: (err: unknown) => void): Dirent[] | undefined {
  try {
    return readdirDecodedSync(path);
  } catch (err) {
    if (vanished(err)) return [];
    if (noted !== undefined && denied(err)) return void noted(err);
    throw err;
  }
}

/**
 * Synchronous (the lstat of what a listing could not give): from the inode cache an lstat takes a
 * microsecond or two, a trip through the thread pool ten times that (a trip per file was once most
 * of a no-op re-sync of 10,000 files; a listing is one trip per directory).
 */
function statOf(path: string, noted?: (err: unknown) => void): Stats | undefined {
  try {
    return lstatSync(path, { throwIfNoEntry: false });
  } catch (err) {
    if (vanished(err)) return undefined;
    if (noted !== undefined && denied(err)) return void noted(err);
    throw err;
  }
}

/**
 * Entry i of `stats` (read for a whole directory at once), or when that read failed, the entry's own
 * lstat (Node's, with Node's error) put in its place.
 */
function statAt(stats: DirStats, i: number, path: string, noted?: (err: unknown) => void): EntryStat | undefined {
  if (!stats.failed(i)) return stats.at(i);
  const st = statOf(path, noted);
  if (st === undefined) return undefined;
  stats.set(i, st);
  return stats.at(i);
}

/** Files hashed at once with --checksum (the rest of the walk is synchronous). */
const HASH_WIDTH = 32;

/** A file --checksum compares: its path, and its SRC and DEST lstat. */
type Hashed = [string, EntryStat, EntryStat];

/** Entries looked at between two turns of the event loop (a live backup's events, a daemon's page). */
const ENTRIES_PER_TURN = 2048;

/** `root`/`rel` for a rel built from directory entries (no `.`, `..` or empty parts: nothing to normalize). */
function under(root: string): (rel: string) => string {
  const prefix = root.endsWith('/') ? root : `${root}/`;
  return (rel) => (rel === '' ? root : prefix + rel);
}

/**
 * Walk SRC and DEST side by side; nothing is changed. Each side of a directory is listed (readdir and
 * the lstat of every entry) in one trip to the addon's thread, and its entries are compared in one
 * synchronous stretch (nothing read, no promise per file); the event loop gets a turn every
 * ENTRIES_PER_TURN entries.
 */
export async function planSync(options: PlanOptions): Promise<SyncPlan> {
  const plan: SyncPlan = {
    copies: [],
    extras: [],
    stale: [],
    seen: [],
    extraEntries: 0,
    unreadable: [],
    badNames: [],
    temps: [],
    dirs: [],
    unchanged: 0,
    bytes: 0,
  };
  const { isExcluded } = options;
  const srcStats = new DirStats();
  const destStats = new DirStats();
  const srcPath = under(options.src);
  const destPath = under(options.dest);
  const child = (rel: string, name: string): string => (rel === '' ? name : `${rel}/${name}`);
  let sinceTurn = 0;
  const breathe = async (entries: number): Promise<void> => {
    sinceTurn += entries;
    if (sinceTurn < ENTRIES_PER_TURN) return;
    sinceTurn = 0;
    await setImmediatePromise();
  };

  /** DEST-only subtree: count it, and find temp files in it. */
  const walkExtra = async (rel: string, isDir: boolean): Promise<void> => {
    plan.extraEntries++;
    if (!isDir) return;
    const dirents = direntsOf(destPath(rel)) ?? [];
    await breathe(dirents.length);
    for (const d of dirents) {
      if (isTempName(d.name)) plan.temps.push(child(rel, d.name));
      else await walkExtra(child(rel, d.name), d.isDirectory());
    }
  };

  const unreadable = (rel: string) => (err: unknown) => void plan.unreadable.push({ rel, err });

  /** What the plan says of a SRC entry that is not a directory, once its content is known to be DEST's (or not). */
  const settle = (path: string, st: EntryStat, dst: EntryStat | undefined, same: boolean): void => {
    if (same) {
      if (sameMetadata(st, dst!) && (st.isSymbolicLink() || Math.abs(st.mtimeMs - dst!.mtimeMs) < 1)) plan.unchanged++;
      else plan.copies.push({ rel: path, kind: 'attrs', bytes: 0 });
    } else {
      const bytes = st.isFile() ? st.size : 0;
      plan.copies.push({ rel: path, kind: 'copy', bytes, ...(dst === undefined && st.isFile() && { seen: { dev: st.dev, ino: st.ino } }) });
      plan.bytes += bytes;
    }
  };

  /**
   * Plan one SRC entry: entry i of srcStats, and j of destStats (-1: DEST has none). A directory gives
   * whether DEST has it as one (it is visited after its siblings); a file whose content --checksum must
   * compare is left to the caller (hashed); else undefined.
   */
  const entry = (path: string, srcStats: DirStats, i: number, destStats: DirStats, j: number, toHash: Hashed[]): boolean | undefined => {
    const st = statAt(srcStats, i, srcPath(path), unreadable(path));
    // Sockets, FIFOs and devices are not backed up (reading a FIFO would block, a device never ends).
    if (st === undefined || !(st.isFile() || st.isDirectory() || st.isSymbolicLink())) return undefined;
    const dst = j < 0 ? undefined : statAt(destStats, j, destPath(path));
    if (st.isDirectory()) {
      plan.dirs.push(path);
      if (!dst?.isDirectory()) plan.copies.push({ rel: path, kind: 'copy', bytes: 0 });
      return dst?.isDirectory() ?? false;
    }
    if (dst === undefined) {
      settle(path, st, dst, false);
    } else if (st.isSymbolicLink()) {
      settle(path, st, dst, dst.isSymbolicLink() && readlinkSync(srcPath(path)) === readlinkSync(destPath(path)));
    } else if (!st.isFile() || !dst.isFile()) {
      settle(path, st, dst, false);
    } else if (!options.checksum || st.size !== dst.size) {
      settle(path, st, dst, sameSizeAndTime(st, dst));
    } else {
      toHash.push([path, srcStats.snapshot(i), destStats.snapshot(j)]);
    }
    return undefined;
  };

  // A directory's entries are planned first, its subdirectories after them, one by one: memory stays
  // bounded, and `copies` and `dirs` list every directory before anything in it.
  // The per-entry loops are functions of their own, apart from the async visit: V8 then optimizes
  // them alone, where optimizing visit with all they call inlined took longer than the rest of a no-op.

  /** Which of rel's SRC entries to plan (not excluded, names that can be mirrored), listed in `seen`; bad names noted. */
  const plannable = (rel: string, src: DirSide): { at: number[]; paths: string[] } => {
    const at: number[] = [];
    const paths: string[] = [];
    for (let i = 0; i < src.names.length; i++) {
      const name = src.names[i]!;
      const path = child(rel, name);
      if (isExcluded(path, src.isDir(i))) continue;
      const why = nameProblem(name, rel === ''); // rel itself was checked when it was planned
      if (why !== undefined) {
        plan.badNames.push({ rel: path, why });
        continue;
      }
      plan.seen.push(path);
      at.push(i);
      paths.push(path);
    }
    return { at, paths };
  };

  /** Plan each of them against DEST's side (inDest: where it has each name); the subdirectories to visit. */
  const planEntries = (
    src: DirSide,
    at: readonly number[],
    paths: readonly string[],
    dest: DirSide,
    inDest: ReadonlyMap<string, number>,
    toHash: Hashed[],
  ): Array<[string, boolean]> => {
    const subdirs: Array<[string, boolean]> = [];
    for (let k = 0; k < paths.length; k++) {
      const i = at[k]!;
      const destHas = entry(paths[k]!, src.stats, i, dest.stats, inDest.get(src.names[i]!) ?? -1, toHash);
      if (destHas !== undefined) subdirs.push([paths[k]!, destHas]);
    }
    return subdirs;
  };

  // Both sides are read off the main thread (rsync's sender and receiver are two processes too), one
  // directory ahead: the next sibling's listings are asked for before this directory's are awaited.
  const poolFree = options.poolFree ?? (() => true);
  const listSrc = (rel: string): Promise<DirListing | undefined> | undefined => (poolFree() ? DirStats.list(srcPath(rel)) : undefined);
  const listDest = (rel: string, destIsDir: boolean): Promise<DirListing | undefined> | undefined =>
    destIsDir && poolFree() ? DirStats.list(destPath(rel)) : undefined;
  const visit = async (
    rel: string,
    destIsDir: boolean,
    srcListing = listSrc(rel),
    destListing = listDest(rel, destIsDir),
  ): Promise<void> => {
    // A SRC directory we may not read: skipped, and what DEST holds of it is neither stale nor extra.
    const src = await dirSide(srcPath(rel), srcListing, srcStats, (dir) => direntsOf(dir, unreadable(rel)));
    if (src === undefined) return;
    const toHash: Hashed[] = [];
    const { at, paths } = plannable(rel, src);
    const dest = (await dirSide(destIsDir ? destPath(rel) : undefined, destListing, destStats, (dir) => direntsOf(dir) ?? []))!;
    const inDest = dest.indexes();
    const subdirs = planEntries(src, at, paths, dest, inDest, toHash);
    // What is left is only in DEST (a name SRC has, even excluded, is not an extra).
    for (const name of src.names) inDest.delete(name);
    for (let i = 0; i < toHash.length; i += HASH_WIDTH) {
      const chunk = toHash.slice(i, i + HASH_WIDTH);
      const same = await Promise.all(chunk.map(async ([path]) => (await sha256File(srcPath(path))) === (await sha256File(destPath(path)))));
      for (const [k, [path, st, dst]] of chunk.entries()) settle(path, st, dst, same[k]!);
    }
    await breathe(src.names.length + dest.names.length);
    const list = (k: number): [Promise<DirListing | undefined> | undefined, Promise<DirListing | undefined> | undefined] | [] =>
      k < subdirs.length ? [listSrc(subdirs[k]![0]), listDest(...subdirs[k]!)] : [];
    let next = list(0);
    for (let k = 0; k < subdirs.length; k++) {
      const listed = next;
      next = list(k + 1);
      await visit(...subdirs[k]!, ...listed);
    }
    for (const [name, j] of inDest) {
      const path = child(rel, name);
      if (isTempName(name)) plan.temps.push(path);
      else if (!(rel === '' && isReservedName(name)) && !isExcluded(path, dest.isDir(j))) {
        if (options.mirrored?.(path)) {
          plan.stale.push(path);
        } else {
          plan.extras.push(path);
          await walkExtra(path, dest.isDir(j));
        }
      }
    }
  };

  await visit('', statOf(options.dest)?.isDirectory() ?? false);
  return plan;
}
