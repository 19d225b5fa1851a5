import { compileFormat, csvLine, type EventFormatter, inotifywaitLine, jsonLine, type WatchedSpelling } from '../handlers/event-format.js';
import { TswatchError } from '../src/index.js';

export interface OutputFlags {
  format?: string;
  timefmt?: string;
  /** commander's negation of --no-newline. */
  newline?: boolean;
  csv?: boolean;
  json?: boolean;
  repr?: boolean;
}

function conflict(message: string, hint: string): TswatchError {
  return new TswatchError(message, { code: 'EBADFLAG', hint });
}

/** How each event is printed, from the output flags; the rules (and refusals) are inotifywait's. */
export function buildFormatter(flags: OutputFlags, watched?: WatchedSpelling): EventFormatter {
  const chosen = (['format', 'csv', 'json', 'repr'] as const).filter((flag) => flags[flag] !== undefined && flags[flag] !== false);
  if (chosen.length > 1) {
    throw conflict(`${chosen.map((flag) => `--${flag}`).join(' and ')} cannot be combined`, 'choose one output form');
  }
  if (flags.newline === false && flags.format === undefined) {
    throw conflict('--no-newline cannot be specified without --format', "add e.g. --format '%w%f%0'");
  }
  if (flags.timefmt !== undefined && flags.format === undefined) {
    throw conflict('--timefmt cannot be specified without --format', "use %T in --format, e.g. --format '%T %w%f %e'");
  }
  if (flags.format !== undefined && flags.timefmt === undefined && /(^|[^%])(%%)*%T/.test(flags.format)) {
    throw conflict('%T is in --format string, but --timefmt was not specified', "add e.g. --timefmt '%F %T'");
  }
  const end = flags.newline === false ? '' : '\n';
  if (flags.format !== undefined) {
    const format = compileFormat(flags.format, flags.timefmt, watched);
    return (event, now) => format(event, now) + end;
  }
  if (flags.csv) return (event) => `${csvLine(event, watched)}\n`;
  if (flags.json) return (event, now) => `${jsonLine(event, now())}\n`;
  if (flags.repr) return (event) => `${event.toString()}\n`;
  return (event) => `${inotifywaitLine(event, watched)}\n`;
}
