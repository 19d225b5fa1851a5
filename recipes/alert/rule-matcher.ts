import { statSync } from 'node:fs';
import { basename, dirname, normalize, relative, resolve } from 'node:path';
import picomatch from 'picomatch';
import { type Event, IN_ATTRIB, IN_CLOSE_WRITE, IN_CREATE, IN_DELETE, IN_MODIFY, IN_MOVED_FROM, IN_MOVED_TO } from '../../src/index.js';
import type { ResolvedRule } from './alert-options.js';

/** Events after which a file's checks look again. */
export const CHECK_EVENTS = IN_CLOSE_WRITE | IN_MODIFY | IN_ATTRIB | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO;
/** Events after which a followed log is read (MOVED_FROM / DELETE: it was rotated away). */
export const TAIL_EVENTS = IN_MODIFY | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_CLOSE_WRITE;

/** One watched path of a rule: a directory, or a file (watched through its directory). */
export interface Target {
  path: string;
  isDir: boolean;
  /** What to give addWatch. */
  watchPath: string;
}

export function targetOf(path: string): Target {
  const absolute = resolve(path);
  let isDir = false;
  try {
    isDir = statSync(absolute).isDirectory();
  } catch {
    // a file that does not exist yet: its directory is watched for it (missing directory: addWatch says)
  }
  return { path: absolute, isDir, watchPath: isDir ? absolute : dirname(absolute) };
}

/**
 * A path on another host (events from a fleet stream): nothing here to look at, so it is taken as a
 * directory, which covers the file of that name too (its own events, pathname === path).
 */
export function remoteTargetOf(path: string): Target {
  const normal = normalize(path).replace(/(.)\/+$/, '$1');
  return { path: normal, isDir: true, watchPath: normal };
}

/** Which events belong to a rule: under its paths, through its glob / ignore globs. */
export class RuleMatcher {
  readonly targets: Target[];
  private readonly include: (path: string) => boolean;
  private readonly exclude: (path: string) => boolean;

  /** With a fleet stream: whether events from this host are the rule's (its `hosts` globs). */
  readonly fromHost: (host: string) => boolean;

  constructor(
    private readonly rule: ResolvedRule,
    /** Never report these (tswatch's own spool: mailing about it would loop). */
    private readonly ignored: readonly string[] = [],
    /** The paths are on the hosts of a fleet stream: matched by name alone, nothing stat()ed here. */
    remote = false,
  ) {
    this.targets = rule.paths.map(remote ? remoteTargetOf : targetOf);
    const glob = (patterns: string[]): ((p: string) => boolean) => (patterns.length ? picomatch(patterns, { dot: true }) : () => false);
    this.include = rule.glob.length ? glob(rule.glob) : () => true;
    this.exclude = glob(rule.ignore);
    this.fromHost = rule.hosts.length ? picomatch(rule.hosts) : () => true;
  }

  /** The target `pathname` falls under, if the rule covers it. */
  targetFor(pathname: string): Target | undefined {
    if (this.ignored.some((dir) => pathname === dir || pathname.startsWith(`${dir}/`))) return undefined;
    for (const target of this.targets) {
      if (!target.isDir) {
        if (pathname === target.path) return target;
        continue;
      }
      const inside = pathname === target.path || pathname.startsWith(target.path === '/' ? '/' : `${target.path}/`);
      if (!inside || (!this.rule.recursive && pathname !== target.path && dirname(pathname) !== target.path)) continue;
      // Globs match the absolute path, the path below the watched directory, or the bare name.
      const forms = [pathname, relative(target.path, pathname) || basename(pathname), basename(pathname)];
      if (forms.some(this.include) && !forms.some(this.exclude)) return target;
    }
    return undefined;
  }

  matches(event: Event): boolean {
    return (event.host === undefined || this.fromHost(event.host)) && this.targetFor(event.pathname) !== undefined;
  }
}
