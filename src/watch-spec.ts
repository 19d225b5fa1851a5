import picomatch from 'picomatch';
import { TswatchError } from './errors.js';
import { ALL_EVENTS, parseEventList } from './masks.js';
import type { AddWatchOptions } from './watch-manager.js';

/** What to watch, as a user writes it on the command line or in a config file. */
export interface WatchSelection {
  paths: readonly string[];
  /** inotifywait event names, each entry a comma-separated list; empty or absent: all events. */
  events?: readonly string[] | undefined;
  recursive?: boolean | undefined;
  /** Regular expressions searched anywhere in the path (inotifywait's --exclude): not watched, not reported. */
  exclude?: readonly string[] | undefined;
  /** Same, case-insensitive (--excludei). */
  excludei?: readonly string[] | undefined;
  /** Regular expressions: only events whose path matches one are reported (--include). */
  include?: readonly string[] | undefined;
  includei?: readonly string[] | undefined;
  /** Glob patterns (picomatch): only events whose path matches one are reported. A pattern without '/'
   * matches the file name at any depth ('*.ts'); a relative one with '/' matches the end of the path
   * ('src/' + '**' + '/*.ts' matches /home/me/proj/src/a/b.ts); an absolute one, the whole path. */
  glob?: readonly string[] | undefined;
}

/** A selection turned into WatchManager.addWatch's arguments plus the event filter. */
export interface WatchSpec {
  paths: string[];
  mask: number;
  options: Required<Pick<AddWatchOptions, 'rec' | 'autoAdd'>> & Pick<AddWatchOptions, 'excludeFilter'>;
  /** True when an event on this path should be reported (not excluded, included, matches a glob). */
  accepts: (pathname: string) => boolean;
}

function compile(option: string, sources: readonly string[] | undefined, flags: string): RegExp[] {
  return (sources ?? []).map((source) => {
    try {
      return new RegExp(source, `u${flags}`);
    } catch (err) {
      throw new TswatchError(`${option}: '${source}' is not a valid regular expression: ${(err as Error).message}`, {
        code: 'EBADPATTERN',
        hint: `${option} takes a regular expression searched anywhere in the path, e.g. '\\.git/' or '\\.swp$'`,
      });
    }
  });
}

/** Validate a selection and turn it into addWatch arguments. Pure: no filesystem access. */
export function watchSpec(selection: WatchSelection): WatchSpec {
  if (selection.paths.length === 0) {
    throw new TswatchError('no path to watch', { code: 'EBADFLAG', hint: 'give at least one file or directory' });
  }
  const events = selection.events ?? [];
  const mask = events.length > 0 ? parseEventList(events) : ALL_EVENTS;
  const excludes = [...compile('--exclude', selection.exclude, ''), ...compile('--excludei', selection.excludei, 'i')];
  const includes = [...compile('--include', selection.include, ''), ...compile('--includei', selection.includei, 'i')];
  const globs = (selection.glob ?? []).map((pattern) => {
    if (!pattern.includes('/')) return picomatch(pattern, { dot: true, basename: true });
    return picomatch(pattern.startsWith('/') || pattern.startsWith('**/') ? pattern : `**/${pattern}`, { dot: true });
  });
  const excluded = (path: string): boolean => excludes.some((re) => re.test(path));
  const recursive = selection.recursive ?? false;
  return {
    paths: [...selection.paths],
    mask,
    options: { rec: recursive, autoAdd: recursive, ...(excludes.length > 0 && { excludeFilter: excluded }) },
    accepts: (pathname) =>
      !excluded(pathname) &&
      (includes.length === 0 || includes.some((re) => re.test(pathname))) &&
      (globs.length === 0 || globs.some((match) => match(pathname))),
  };
}
