import type { Dirent } from 'node:fs';
import type { DirListing, DirStats } from '../../src/index.js';

/** d_type of a directory (<dirent.h>). */
const DT_DIR = 4;

/** One side (SRC's or DEST's) of a directory in a walk: its names in readdir's order, their lstat (entry j is names[j]), which are directories. */
export interface DirSide {
  readonly names: readonly string[];
  readonly stats: DirStats;
  isDir(j: number): boolean;
  /** Each name's index. */
  indexes(): Map<string, number>;
}

/**
 * One side of `dir` (undefined: that side has no directory there): what the addon listed off the main
 * thread, or where it could not (no addon, a name that is not UTF-8 or holds U+FFFD, a directory it
 * could not read) `readdir(dir)`, Node's, lstatted into `stats`; undefined when readdir gives none.
 */
export async function dirSide(
  dir: string | undefined,
  listing: Promise<DirListing | undefined> | undefined,
  stats: DirStats,
  readdir: (dir: string) => Dirent[] | undefined,
): Promise<DirSide | undefined> {
  const got = await listing;
  if (got !== undefined && !got.names.some((name) => name.includes('\ufffd'))) {
    const { names, types } = got;
    return side(names, got.stats, (j) => (got.stats.failed(j) ? types[j] === DT_DIR : got.stats.at(j).isDirectory()));
  }
  const dirents = dir === undefined ? [] : readdir(dir);
  if (dirents === undefined) return undefined;
  const names = dirents.map((d) => d.name);
  if (dir !== undefined) stats.read(dir, names);
  return side(names, stats, (j) => dirents[j]!.isDirectory());
}

function side(names: readonly string[], stats: DirStats, isDir: (j: number) => boolean): DirSide {
  return {
    names,
    stats,
    isDir,
    indexes() {
      const at = new Map<string, number>();
      for (let j = 0; j < names.length; j++) at.set(names[j]!, j);
      return at;
    },
  };
}
