import { type Event, inotifywaitNames } from '../src/index.js';

/**
 * inotifywait's default line, `%w %e %f`: the watched path (with a trailing '/' when it is a
 * directory), the event names comma-separated, then the entry name ('' for the watched path itself).
 */
export function inotifywaitLine(event: Event): string {
  // An event with a name happened inside a watched directory; one without is about the watch itself.
  const watchIsDir = event.name !== '' || event.dir;
  const watched = watchIsDir && !event.path.endsWith('/') ? `${event.path}/` : event.path;
  return `${watched} ${inotifywaitNames(event.mask)} ${event.name}`;
}
