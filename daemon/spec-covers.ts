import { normalize } from 'node:path';
import type { WatchSpec } from '../src/index.js';

/** A path as the WatchManager keys it: normalized, no trailing slash. */
export function watchPath(path: string): string {
  const normal = normalize(path);
  return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
}

function excluded(filter: WatchSpec['options']['excludeFilter'], path: string): boolean {
  return typeof filter === 'function' ? filter(path) : (filter?.test(path) ?? false);
}

/**
 * True when `spec`, added on its own, would hold a watch on `path`: one of its paths, or (recursive) a
 * directory below one that its excludes do not prune (a pruned directory hides everything below it, as
 * the WatchManager never descends into it). Several specs can then share one WatchManager during a
 * reload, each taking only the events of its own watches.
 */
export function specCovers(spec: WatchSpec, path: string): boolean {
  const roots = spec.paths.map(watchPath);
  if (roots.includes(path)) return true;
  if (!spec.options.rec) return false;
  return roots.some((root) => {
    const prefix = root === '/' ? '/' : `${root}/`;
    if (!path.startsWith(prefix)) return false;
    for (let end = path.indexOf('/', prefix.length); ; end = path.indexOf('/', end + 1)) {
      if (excluded(spec.options.excludeFilter, end === -1 ? path : path.slice(0, end))) return false;
      if (end === -1) return true;
    }
  });
}
