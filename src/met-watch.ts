import { DirEntries } from './dir-entries.js';
import { joinPath } from './join-path.js';
import type { Watch } from './watch.js';

/**
 * The watch for a directory a backend met in a lazily learnt tree (RAW_MEET): `name` below `parent`,
 * with its settings. Its entries are unknown (never read), so they hold only what is seen from now on.
 * Undefined when it is not to be watched (its parent is gone, or it is excluded).
 */
export function metWatch(parent: Watch | undefined, wd: number, name: string): Watch | undefined {
  if (parent === undefined) return undefined;
  const path = joinPath(parent.path, name);
  if (parent.excludeFilter?.(path)) return undefined;
  return {
    wd,
    path,
    mask: parent.mask,
    procFun: parent.procFun,
    autoAdd: parent.autoAdd,
    excludeFilter: parent.excludeFilter,
    lazy: true,
    partial: true,
    entries: new DirEntries(),
  };
}
