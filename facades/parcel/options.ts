import { resolve } from 'node:path';
import picomatch from 'picomatch';
import { TswatchError, type BackendName } from '../../src/index.js';

/** @parcel/watcher's backend names. */
export type BackendType = 'fs-events' | 'watchman' | 'inotify' | 'windows' | 'brute-force';

export interface Options {
  /** Paths (absolute, or relative to the watched directory), globs and regular expressions to leave out. */
  ignore?: ReadonlyArray<string | RegExp>;
  backend?: BackendType;
  /**
   * tswatch's own: milliseconds a batch stays open after its first event (default 10), so the steps
   * of one save or one `rm -r` arrive together, folded. Later events never extend it (parcel waits
   * for 50 ms of quiet, up to 500 ms). 0: report each kernel read as soon as it is processed.
   */
  batchMs?: number;
}

/** Long enough for the syscalls of one save or one `rm -r` from Node (each a thread-pool round trip). */
export const DEFAULT_BATCH_MS = 10;

/** The options as the facade uses them. */
export interface Resolved {
  /** True for an absolute path that is ignored (with everything below it). */
  ignored: (path: string) => boolean;
  /** tswatch's backend: undefined is tswatch's default (TSWATCH_BACKEND, else native inotify). */
  backend: BackendName | undefined;
  batchMs: number;
  /** Tells two subscriptions' options apart, for `unsubscribe(dir, fn, opts)`. */
  key: string;
}

/**
 * Parcel's ignore list: a glob (picomatch, dotfiles included) or a regular expression is tested on the
 * path relative to `dir` (a regular expression anywhere in it), anything else names a path, which is
 * ignored with everything below it. `dir` is absolute.
 */
export function resolveOptions(dir: string, options: Options = {}): Resolved {
  const paths: string[] = [];
  const tests: Array<(relative: string) => boolean> = [];
  const keys: string[] = [];
  for (const value of options.ignore ?? []) {
    if (value instanceof RegExp) {
      if (value.flags !== '') {
        throw new TswatchError(`ignore pattern /${value.source}/${value.flags}: Flags are not supported, as in @parcel/watcher`, {
          code: 'EBADPATTERN',
          hint: 'drop the flags; for a case-insensitive match, spell the cases out: /[Ff]oo/',
        });
      }
      const regex = new RegExp(value.source);
      tests.push((relative) => regex.test(relative));
      keys.push(`r:${value.source}`);
    } else if (typeof value === 'string' && picomatch.scan(value).isGlob) {
      tests.push(picomatch(value, { dot: true }));
      keys.push(`g:${value}`);
    } else if (typeof value === 'string') {
      paths.push(resolve(dir, value));
      keys.push(`p:${resolve(dir, value)}`);
    } else {
      throw new TswatchError(`ignore: ${String(value)} is neither a path, a glob nor a regular expression`, { code: 'EBADPATTERN' });
    }
  }
  const base = dir === '/' ? '/' : `${dir}/`;
  const ignored = (path: string): boolean => {
    for (const p of paths) if (path === p || path.startsWith(p === '/' ? p : `${p}/`)) return true;
    if (tests.length === 0 || !path.startsWith(base)) return false;
    const relative = path.slice(base.length);
    return tests.some((test) => test(relative));
  };
  const backend = backendFor(options.backend);
  const batchMs = options.batchMs ?? DEFAULT_BATCH_MS;
  if (!(Number.isFinite(batchMs) && batchMs >= 0)) {
    throw new TswatchError(`batchMs: ${String(options.batchMs)} is not a number of milliseconds`, {
      code: 'EBADBATCH',
      hint: 'give 0 or more, e.g. batchMs: 10; 0 reports each kernel read at once',
    });
  }
  return { ignored, backend, batchMs, key: `${backend ?? ''}\u0000${keys.join('\u0000')}` };
}

/**
 * `inotify` is tswatch's native inotify, `brute-force` polls; any other name gets tswatch's default, as
 * parcel itself falls back to its default when the backend named is not there (fs-events on Linux,
 * watchman not installed).
 */
function backendFor(name: string | undefined): BackendName | undefined {
  return name === 'inotify' ? 'inotify' : name === 'brute-force' ? 'poll' : undefined;
}
