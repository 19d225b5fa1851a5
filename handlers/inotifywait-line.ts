import { type Event, inotifywaitNames } from '../src/index.js';

/**
 * inotifywait's default line, `%w %e %f`: the watched path (with a trailing '/' when it is a
 * directory), the event names comma-separated, then the entry name ('' for the watched path itself).
 */
export function inotifywaitLine(event: Event, watchIsDir: boolean): string {
  const watched = watchIsDir && !event.path.endsWith('/') ? `${event.path}/` : event.path;
  return `${watched} ${inotifywaitNames(event.mask)} ${event.name}`;
}
