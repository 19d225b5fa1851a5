import { basename, join, resolve } from 'node:path';
import picomatch from 'picomatch';
import { TswatchError } from '../../src/index.js';
import { resolveExact } from './exact-names.js';
import { shellQuote as q } from './shell-quote.js';
import type { RestoredItem, TrashedItem } from './trashed-item.js';

export interface RestoreOptions {
  /** Restore into this directory instead of the original location. */
  to?: string;
  /** Among several trashed items with the same original path: 1 = the newest (default), 2 = the one before, … */
  version?: number;
  /** Trash whatever is in the way instead of refusing. */
  force?: boolean;
  /** What a relative path or glob is resolved against (default the working directory). */
  cwd?: string;
}

const newestFirst = (a: TrashedItem, b: TrashedItem): number =>
  (b.deletionDate?.getTime() ?? 0) - (a.deletionDate?.getTime() ?? 0) ||
  // Same second: the later claim has the larger suffix (NAME, NAME_1, NAME_2, …).
  b.name.localeCompare(a.name, 'en', { numeric: true });

/**
 * Which trashed items `pathOrGlob` names and where each goes back: an exact original path wins; else,
 * if it is a glob, every original path it matches. One item per original path, chosen by `version`.
 */
export function chooseRestores(items: TrashedItem[], pathOrGlob: string, options: RestoreOptions): RestoredItem[] {
  const version = options.version ?? 1;
  if (!Number.isInteger(version) || version < 1) {
    throw new TswatchError(`--version ${version}: not a positive whole number`, {
      code: 'EINVAL',
      hint: '1 is the newest trashed version, 2 the one before, …',
    });
  }
  const cwd = resolveExact(options.cwd ?? '.');
  const wanted = resolve(cwd, pathOrGlob);
  let matches = items.filter((item) => item.path === wanted);
  if (matches.length === 0 && picomatch.scan(pathOrGlob).isGlob) {
    const isMatch = picomatch(wanted, { dot: true });
    matches = items.filter((item) => isMatch(item.path));
  }
  if (matches.length === 0) {
    throw new TswatchError(`nothing in the trash was trashed from ${q(pathOrGlob)}`, {
      code: 'ENOENT',
      path: pathOrGlob,
      hint: 'tswatch trash list shows the original paths (a glob like "*.txt" matches them too; quote it)',
    });
  }
  const byPath = new Map<string, TrashedItem[]>();
  for (const item of matches) byPath.set(item.path, [...(byPath.get(item.path) ?? []), item]);
  const chosen: RestoredItem[] = [];
  const targets = new Set<string>();
  for (const [path, versions] of byPath) {
    versions.sort(newestFirst);
    const item = versions[version - 1];
    if (!item) {
      throw new TswatchError(`${q(path)} has ${versions.length} trashed version(s); --version ${version} is not one of them`, {
        code: 'ENOENT',
        path,
        hint: `--version takes 1 (the newest) to ${versions.length}`,
      });
    }
    const restoredTo = options.to === undefined ? path : join(resolve(cwd, options.to), basename(path));
    if (targets.has(restoredTo)) {
      throw new TswatchError(`two trashed items would be restored to ${q(restoredTo)}`, {
        code: 'EEXIST',
        path: restoredTo,
        hint: 'restore them one at a time, with a narrower glob',
      });
    }
    targets.add(restoredTo);
    chosen.push({ ...item, restoredTo });
  }
  return chosen;
}
