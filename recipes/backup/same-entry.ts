import type { EntryStat } from '../../src/index.js';
import { sha256File } from '../sha256-file.js';
import { IS_ROOT } from './is-root.js';
import { lstatOrUndefined } from './lstat-or-undefined.js';

// How DEST/rel is found to match SRC/rel already: shared by the initial sync's plan and the mirror's copies.

/** Same content as far as size and mtime tell (1 ms: times cross utimes as floating seconds). */
export function sameSizeAndTime(a: EntryStat, b: EntryStat): boolean {
  return a.size === b.size && Math.abs(a.mtimeMs - b.mtimeMs) < 1;
}

export function sameMetadata(a: EntryStat, b: EntryStat): boolean {
  return (a.mode & 0o7777) === (b.mode & 0o7777) && sameOwner(a, b);
}

/** Owners are mirrored only by root (a normal user cannot give files away). */
export function sameOwner(a: EntryStat, b: EntryStat): boolean {
  return !IS_ROOT || (a.uid === b.uid && a.gid === b.gid);
}

/** Two regular files with the same size, mtime and bytes (the bytes are read only when the rest agrees). */
export async function sameFileContent(a: string, b: string): Promise<boolean> {
  const [sa, sb] = await Promise.all([lstatOrUndefined(a), lstatOrUndefined(b)]);
  if (!sa?.isFile() || !sb?.isFile() || !sameSizeAndTime(sa, sb)) return false;
  const [ha, hb] = await Promise.all([sha256File(a), sha256File(b)]);
  return ha === hb;
}
