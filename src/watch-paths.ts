import { lstatSync, statSync } from 'node:fs';
import { normalize } from 'node:path';
import { errnoError } from './errors.js';
import { IN_DONT_FOLLOW } from './masks.js';
import { globSync, isDynamicPattern } from 'tinyglobby';

/** A path as the WatchManager keys it: normalized, without a trailing slash (except `/`). */
export function normalizePath(path: string): string {
  const normal = normalize(path);
  return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
}

/** The paths addWatch was given, glob patterns expanded with `doGlob` (pyinotify's `do_glob`), normalized. */
export function expandPaths(paths: string | readonly string[], doGlob: boolean): string[] {
  const list = typeof paths === 'string' ? [paths] : [...paths];
  const expanded = doGlob
    ? list.flatMap((p) => (isDynamicPattern(p) ? globSync(p, { onlyFiles: false, absolute: p.startsWith('/') }) : [p]))
    : list;
  return expanded.map(normalizePath);
}

/** Whether `path` is a directory (the link itself with IN_DONT_FOLLOW); a clear error when it cannot be looked at. */
export function isDirectoryAt(path: string, mask: number): boolean {
  try {
    return (mask & IN_DONT_FOLLOW ? lstatSync(path) : statSync(path)).isDirectory();
  } catch (err) {
    throw errnoError(err as NodeJS.ErrnoException, 'watch', path);
  }
}
