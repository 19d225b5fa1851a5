import { type TswatchError, WatchLimitError } from './errors.js';
import type { ScanSink } from './watch.js';

/** pyinotify's wd for a path that failed: minus its errno (-1 when there is none). */
function negativeWd(err: TswatchError): number {
  const errno = (err.cause as NodeJS.ErrnoException | undefined)?.errno;
  return errno ? -Math.abs(errno) : -1;
}

/**
 * What one addWatch returns, pyinotify's way: path → wd for every path watched, and a negative wd for
 * one that failed, its error kept in `errors`. Only a failure of a path asked for is thrown, and only
 * when not quiet.
 */
export class AddWatchResult {
  readonly wds: Record<string, number> = {};

  constructor(
    private readonly errors: Map<string, TswatchError>,
    private readonly quiet: boolean,
  ) {}

  /** A path asked for failed. */
  fail(path: string, err: TswatchError): void {
    if (!this.quiet) throw err;
    this.record(path, err);
  }

  /**
   * Where the walk of `path` reports. A directory below it that cannot be watched (unreadable, say)
   * costs that directory only: it gets its negative wd and its error, and the walk goes on. Only the
   * path itself failing, or the watch limit (which would fail every directory after it), is thrown.
   */
  sinkFor(path: string): ScanSink {
    return {
      event: () => {},
      error: (err) => {
        const at = err.path ?? path;
        if (at === path || err instanceof WatchLimitError) this.fail(at, err);
        else this.record(at, err);
      },
    };
  }

  private record(path: string, err: TswatchError): void {
    this.wds[path] = negativeWd(err);
    this.errors.set(path, err);
  }
}
