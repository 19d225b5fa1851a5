import { basename, normalize } from 'node:path';
import picomatch from 'picomatch';
import { watchedName } from '../../handlers/event-format.js';
import { TswatchError, type Event, type PathFilter } from '../index.js';
import { ereToRegExp } from './posix-ere.js';

/** The filtering flags, as commander hands them over. */
export interface FilterFlags {
  exclude?: string[];
  excludei?: string[];
  include?: string[];
  includei?: string[];
  glob?: string[];
  ignore?: string[];
  dirs?: boolean;
  onlyDirs?: boolean;
}

export interface Filters {
  /** True: print (count, hand to --handler) this event. */
  accept: (event: Event) => boolean;
  /** True: do not watch this directory (an @exclude, or covered by --exclude or --ignore). */
  skipDir: PathFilter;
}

const trimSlashes = (path: string): string => (path.length > 1 ? path.replace(/\/+$/, '') : path);

/**
 * picomatch patterns: with a '/', on the whole relative path; without, on the base name. (picomatch's
 * own `basename` option would apply the base name to every pattern, slashes or not.)
 */
function globMatcher(patterns: string[] | undefined): ((path: string) => boolean) | undefined {
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
export function buildFilters(roots: readonly string[], excludePaths: readonly string[], flags: FilterFlags): Filters {
  if (flags.dirs === false && flags.onlyDirs) {
    throw new TswatchError('--no-dirs and --only-dirs cannot both be given', { code: 'EBADFLAG', hint: 'keep one of them' });
  }
  const regexes = (flag: string, list: string[] | undefined, ignoreCase: boolean): RegExp[] =>
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
  const tests: Array<(event: Event) => boolean> = [];
  if (flags.dirs === false) tests.push((event) => !event.dir);
  if (flags.onlyDirs) tests.push((event) => event.dir);
  if (excludes.length > 0 || includes.length > 0) {
    tests.push((event) => {
      const full = watchedName(event) + event.name;
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
  const accept = (event: Event): boolean => tests.every((pass) => pass(event));

  const skipDir: PathFilter = (path) => {
    const normal = normalize(path);
    if (rootSet.has(normal)) return false; // a path given to watch is watched, even if also excluded
    if (excluded.has(normal)) return true;
    if (dirExcludes.some((regex) => regex.test(`${path}/`))) return true;
    return ignore?.(relative(path)) ?? false;
  };

  return { accept, skipDir };
}
