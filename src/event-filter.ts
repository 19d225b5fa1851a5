import { basename, normalize } from 'node:path';
import picomatch from 'picomatch';
import { TswatchError } from './errors.js';
import type { Event } from './event.js';
import type { PathFilter } from './exclude-filter.js';
import { ereToRegExp } from './posix-ere.js';
import { watchedName } from './watched-name.js';

/**
 * What to report, with the root command's flag names (and a config file's keys): one meaning for
 * `tswatch`, `tswatch exec|restart|stats` and `run --config`.
 */
export interface FilterOptions {
  /** POSIX EREs searched in inotifywait's `%w%f`: not reported, and a directory they cover not watched. */
  exclude?: readonly string[] | undefined;
  /** Same, case-insensitive. */
  excludei?: readonly string[] | undefined;
  /** POSIX EREs: only events whose `%w%f` matches one are reported. */
  include?: readonly string[] | undefined;
  includei?: readonly string[] | undefined;
  /** picomatch globs on the path relative to its watched root (without '/': the base name): only these. */
  glob?: readonly string[] | undefined;
  /** Same globs: not reported, and a directory they match not watched. */
  ignore?: readonly string[] | undefined;
  /** false: no events about directories (--no-dirs). */
  dirs?: boolean | undefined;
  /** Only events about directories (--only-dirs). */
  onlyDirs?: boolean | undefined;
}

/** The fields the filters look at. */
export type FilteredEvent = Pick<Event, 'path' | 'name' | 'dir' | 'pathname'>;

export interface EventFilter {
  /** True: print (count, hand to --handler) this event. */
  accept: (event: FilteredEvent) => boolean;
  /** True: do not watch this directory (an @exclude, or covered by --exclude or --ignore). */
  skipDir: PathFilter;
}

const trimSlashes = (path: string): string => (path.length > 1 ? path.replace(/\/+$/, '') : path);

/**
 * picomatch patterns: with a '/', on the whole relative path; without, on the base name. (picomatch's
 * own `basename` option would apply the base name to every pattern, slashes or not.)
 */
function globMatcher(patterns: readonly string[] | undefined): ((path: string) => boolean) | undefined {
  if (!patterns?.length) return undefined;
  const whole = patterns.filter((p) => p.includes('/'));
  const base = patterns.filter((p) => !p.includes('/'));
  const onWhole = whole.length ? picomatch(whole, { dot: true }) : () => false;
  const onBase = base.length ? picomatch(base, { dot: true }) : () => false;
  return (path) => onWhole(path) || onBase(basename(path));
}

/**
 * The event and directory filters. inotifywait's --exclude/--include match the regex against `%w%f`;
 * so do these, except that every --exclude counts (inotifywait keeps only the last) and include and
 * exclude may be combined (exclude wins). A directory an --exclude matches as `dir/` is not watched at all
 * (nothing below it could pass), when the pattern does not look past the match (`$`, `\b`, `\>`).
 * --glob/--ignore are picomatch patterns on the path relative to its watched root; without a '/' they
 * match the base name. An --ignore'd directory is not watched, nor anything below (as chokidar).
 */
export function eventFilter(
  roots: readonly string[],
  flags: FilterOptions,
  excludePaths: readonly string[] = [],
  /** %w as the regexes see it (the CLI's: each root spelled as given). */
  watched: (event: FilteredEvent) => string = watchedName,
): EventFilter {
  if (flags.dirs === false && flags.onlyDirs) {
    throw new TswatchError('--no-dirs and --only-dirs cannot both be given', { code: 'EBADFLAG', hint: 'keep one of them' });
  }
  const regexes = (flag: string, list: readonly string[] | undefined, ignoreCase: boolean): RegExp[] =>
    (list ?? []).map((pattern) => ereToRegExp(pattern, flag, ignoreCase));
  const excludes = [...regexes('--exclude', flags.exclude, false), ...regexes('--excludei', flags.excludei, true)];
  const includes = [...regexes('--include', flags.include, false), ...regexes('--includei', flags.includei, true)];
  // A match inside `dir/` is a match inside every `dir/…` unless it looks at what follows: `$`, word
  // boundaries, lookarounds. Only patterns without those may keep a directory unwatched.
  const dirExcludes = excludes.filter((regex) => !/\$|\\[bB]|\(\?/.test(regex.source));
  const glob = globMatcher(flags.glob);
  const ignore = globMatcher(flags.ignore);
  const rootList = roots.map(trimSlashes);
  const rootSet = new Set(rootList.map((root) => normalize(root)));
  const excluded = new Set(excludePaths.map((path) => normalize(trimSlashes(path))));

  /** `path` relative to the root it is under ('' for a root itself: then its base name is used). */
  const relative = (path: string): string => {
    for (const root of rootList) {
      if (path === root) return basename(root);
      const prefix = root.endsWith('/') ? root : `${root}/`;
      if (path.startsWith(prefix)) return path.slice(prefix.length);
    }
    return path;
  };

  // Only the filters asked for run on each event.
  const tests: Array<(event: FilteredEvent) => boolean> = [];
  if (flags.dirs === false) tests.push((event) => !event.dir);
  if (flags.onlyDirs) tests.push((event) => event.dir);
  if (excludes.length > 0 || includes.length > 0) {
    tests.push((event) => {
      const full = watched(event) + event.name;
      if (excludes.some((regex) => regex.test(full))) return false;
      return includes.length === 0 || includes.some((regex) => regex.test(full));
    });
  }
  if (glob !== undefined || ignore !== undefined) {
    tests.push((event) => {
      const rel = relative(event.pathname);
      return !ignore?.(rel) && (glob === undefined || glob(rel));
    });
  }
  // A loop, not tests.every(…), whose callback would be a closure made per event (this runs per event
  // in a burst); no filter at all is one constant function.
  const accept =
    tests.length === 0
      ? (): boolean => true
      : (event: FilteredEvent): boolean => {
          for (let i = 0; i < tests.length; i++) if (!tests[i]!(event)) return false;
          return true;
        };

  const skipDir: PathFilter = (path) => {
    const normal = normalize(path);
    if (rootSet.has(normal)) return false; // a path given to watch is watched, even if also excluded
    if (excluded.has(normal)) return true;
    if (dirExcludes.some((regex) => regex.test(`${path}/`))) return true;
    return ignore?.(relative(path)) ?? false;
  };

  return { accept, skipDir };
}
