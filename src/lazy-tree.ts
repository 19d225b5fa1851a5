import { dirname } from 'node:path';
import type { Backend } from './backends/backend.js';
import type { TswatchError } from './errors.js';
import type { PathFilter } from './exclude-filter.js';
import type { ScanSink, Watch } from './watch.js';

/** What learnTree needs of the WatchManager (named here, so the two files do not import each other). */
export interface TreeOwner {
  readonly backend: Backend;
  reconcile(watch: Watch, report: boolean, descend: boolean, sink: ScanSink): void;
}

/**
 * Learn the tree at `top` from the backend's events when it can (fanotify): no walk, only the top is
 * read, and the top of each filesystem mounted below it is watched (`arm`) and learnt the same way; a
 * mount point that fails takes the mounts below it along. False when the backend cannot.
 */
export function learnTree(
  wm: TreeOwner,
  top: Watch,
  excludeFilter: PathFilter | undefined,
  sink: ScanSink,
  arm: (path: string) => Watch,
): boolean {
  const mounts = top.entries === undefined ? undefined : wm.backend.watchTree?.(top.wd);
  if (mounts === undefined) return false;
  top.lazy = true;
  const skipped: string[] = [];
  const excluded = (p: string): boolean => p.length > top.path.length && (excludeFilter?.(p) === true || excluded(dirname(p)));
  for (const mount of mounts) {
    if (skipped.some((s) => mount.startsWith(`${s}/`)) || excluded(mount)) continue;
    try {
      const watch = arm(mount);
      wm.backend.watchTree?.(watch.wd); // the mounts below it are in `mounts` already
      wm.reconcile(watch, false, false, sink);
    } catch (err) {
      skipped.push(mount);
      sink.error(err as TswatchError);
    }
  }
  return true;
}
