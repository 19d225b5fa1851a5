import { type Event, inotifywaitNames, watchedName } from '../src/index.js';
import { strftime } from './strftime.js';
import { userName } from './user-name.js';

/**
 * Turns an event into its output record, terminator included. `now` gives the time it is printed: it
 * is asked only by a form that shows the time (%T, --json), so a burst in another form makes no Date
 * per event.
 */
export type EventFormatter = (event: Event, now: () => Date) => string;

/** How %w is spelled (the CLI spells it as the path was given). */
export type WatchedSpelling = (event: Event) => string;

/** inotifywait's default line, `%w %e %f`. */
export function inotifywaitLine(event: Event, watched: WatchedSpelling = watchedName): string {
  return `${watched(event)} ${inotifywaitNames(event.mask)} ${event.name}`;
}

/**
 * inotifywait's --format, parsed once: %w %f %e %Xe (events joined by X) %c (cookie, hex) %T (--timefmt)
 * %0 (NUL) %n (newline) %% (percent), and tswatch's %p (the writer's pid) and %u (its user's name, else
 * uid), empty where the backend does not know them (inotify). Anything else after '%' is copied as
 * written, as inotifywait does.
 */
export function compileFormat(format: string, timefmt: string | undefined, watched: WatchedSpelling = watchedName): EventFormatter {
  const parts: Array<string | ((event: Event, now: Date) => string)> = [];
  let timed = false;
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    const next = format[i + 1];
    if (c !== '%' || next === undefined) {
      parts.push(c);
      continue;
    }
    const simple: Record<string, (event: Event, now: Date) => string> = {
      w: watched,
      f: (event) => event.name,
      e: (event) => inotifywaitNames(event.mask),
      c: (event) => event.cookie.toString(16),
      T: (_event, now) => strftime(timefmt ?? '', now),
      p: (event) => (event.pid === undefined ? '' : String(event.pid)),
      u: (event) => (event.uid === undefined ? '' : (userName(event.uid) ?? String(event.uid))),
    };
    const fixed: Record<string, string> = { '%': '%', '0': '\0', n: '\n' };
    if (fixed[next] !== undefined) parts.push(fixed[next]!);
    else if (simple[next] !== undefined) {
      parts.push(simple[next]!);
      timed ||= next === 'T';
    } else if (format[i + 2] === 'e') {
      parts.push((event) => inotifywaitNames(event.mask, next));
      i++;
    } else {
      parts.push('%');
      continue;
    }
    i++;
  }
  // Adjacent literals joined once; each event is one pass of concatenation (this runs per event in a burst).
  const merged: typeof parts = [];
  for (const part of parts) {
    const last = merged.length - 1;
    if (typeof part === 'string' && typeof merged[last] === 'string') merged[last] += part;
    else merged.push(part);
  }
  // One Date per event, and only for a format that shows it: every %T of a line tells the same time.
  const noTime = new Date(Number.NaN);
  return (event, now) => {
    const date = timed ? now() : noTime;
    let out = '';
    for (const part of merged) out += typeof part === 'string' ? part : part(event, date);
    return out;
  };
}

/** inotifywait's CSV quoting: a field with a comma, a quote, a newline or a space at either end is quoted. */
export function csvField(field: string): string {
  return /[",\n]|^ | $/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}

/** inotifywait --csv: `%w,%e,%f`, each field quoted as needed. */
export function csvLine(event: Event, watched: WatchedSpelling = watchedName): string {
  return [watched(event), inotifywaitNames(event.mask), event.name].map(csvField).join(',');
}

/**
 * One JSON object: the time, pyinotify's fields (wd, mask, maskname, cookie, name, path, pathname, dir,
 * src_pathname), `src` on a paired move and `synthetic` on events recovered by a scan; where the backend
 * knows the writer (fanotify), `pid`, `uid`, `user`, `comm` and `exe` (those it could read). Names that are
 * not UTF-8 appear as `\udcXX` escapes (see fsDecode).
 */
export function jsonLine(event: Event, now: Date): string {
  return JSON.stringify(jsonRecord(event, now));
}

/** The object `jsonLine` prints (fleet sinks add `host` and `id` to it). */
export function jsonRecord(event: Event, now: Date): Record<string, unknown> {
  const src = event.src_pathname === undefined ? {} : { src: event.src_pathname };
  const user = event.uid === undefined ? undefined : userName(event.uid);
  return { time: now.toISOString(), ...event.toJSON(), ...src, ...(user !== undefined && { user }) };
}
