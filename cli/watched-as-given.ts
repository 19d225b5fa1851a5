import { lstatSync, statSync } from 'node:fs';
import { normalize } from 'node:path';
import { type Event, watchedName } from '../src/index.js';

/** The fields %w is made of. */
export type WatchedEvent = Pick<Event, 'name' | 'path' | 'dir'>;

/** The key the WatchManager files a path under (normalized, no trailing slash). */
const key = (path: string): string => {
  const normal = normalize(path);
  return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
};

const withSlash = (path: string): string => (path.endsWith('/') ? path : `${path}/`);

function isDirectory(path: string, follow: boolean): boolean {
  try {
    return (follow ? statSync(path) : lstatSync(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * inotifywait's %w: each path spelled as it was given (`c//`, `./c`, `c/.`), a '/' added when it is a
 * directory. Without -r that test does not follow a symlink (`/tmp/link` stays as it is); with -r it
 * does, and what lies below a root is the root's spelling, a '/', the rest. The WatchManager keeps paths
 * normalized, so this maps its paths back; one it does not know gets the normalized %w.
 */
export function watchedAsGiven(roots: readonly string[], recursive: boolean, dereference: boolean): (event: WatchedEvent) => string {
  const labels = new Map<string, string>();
  for (const root of roots) {
    if (labels.has(key(root))) continue;
    labels.set(key(root), isDirectory(root, recursive && dereference) ? withSlash(root) : root);
  }
  // Roots spelled in the normal form (the usual case): below one, %w is the path and a '/', found with
  // a prefix test instead of a lookup per ancestor (this runs per event in a burst).
  const plain = [...labels].every(([k, label]) => label === k || label === withSlash(k));
  const prefixes = plain && labels.size <= 8 ? [...labels.keys()].map(withSlash) : undefined;
  return (event) => {
    const exact = labels.get(event.path);
    if (exact !== undefined) return exact;
    const { path } = event;
    if (prefixes !== undefined) {
      for (const prefix of prefixes) if (path.startsWith(prefix)) return `${path}/`;
      return watchedName(event);
    }
    for (let cut = path.lastIndexOf('/'); cut >= 0; cut = cut === 0 ? -1 : path.lastIndexOf('/', cut - 1)) {
      const root = labels.get(cut === 0 ? '/' : path.slice(0, cut));
      if (root !== undefined) return `${withSlash(root)}${path.slice(cut + 1)}/`;
    }
    return watchedName(event);
  };
}
