import { statSync } from 'node:fs';
import type { IgnoreTest } from './ignore-matcher.js';
import type { WatchedPaths } from './watched-paths.js';

/**
 * The core's `excludeFilter`: what it must not watch (below `depth`, ignored, or unwatched), so the
 * core spends no watch and no scan on what the facade would not report anyway.
 */
export function excludedFilter(paths: WatchedPaths, ignore: IgnoreTest): (path: string) => boolean {
  return (path) => {
    if (!paths.descends(path) || paths.unwatchedCovers(path)) return true;
    if (ignore(paths.chokidarPath(path))) return true;
    if (!ignore.wantsStats) return false;
    try {
      return ignore(paths.chokidarPath(path), statSync(path));
    } catch {
      return true;
    }
  };
}
