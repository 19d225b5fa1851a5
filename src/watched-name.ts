import type { Event } from './event.js';

/** inotifywait's %w: the watched path, with a trailing '/' when it is a directory. */
export function watchedName(event: Pick<Event, 'name' | 'path' | 'dir'>): string {
  // An event with a name happened inside a watched directory; one without is about the watch itself.
  const watchIsDir = event.name !== '' || event.dir;
  return watchIsDir && !event.path.endsWith('/') ? `${event.path}/` : event.path;
}
