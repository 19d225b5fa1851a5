import picomatch from 'picomatch';
import { TswatchError } from '../errors.js';
import type { FileSystemEvent } from './events.js';
import { FileSystemEventHandler } from './file-system-event-handler.js';

export interface PatternMatchingOptions {
  /** Glob patterns a path must match (default: every path). */
  patterns?: readonly string[];
  /** Glob patterns that exclude a path. */
  ignore_patterns?: readonly string[];
  ignore_directories?: boolean;
  /** Default false, as watchdog. */
  case_sensitive?: boolean;
}

/**
 * A compiled pattern with Python's PurePath.match rule (what watchdog uses): an absolute pattern matches
 * the whole path, a relative one matches the path's last components (`*.py` any .py file, `src/*.py`
 * a .py file in any directory named src). `*` does not cross `/`; dotfiles are not special.
 */
function compile(pattern: string, caseSensitive: boolean): (path: string) => boolean {
  const isMatch = picomatch(pattern, { dot: true, nocase: !caseSensitive });
  if (pattern.startsWith('/')) return (path) => isMatch(path);
  const depth = pattern.split('/').filter((part) => part !== '').length;
  return (path) =>
    isMatch(
      path
        .split('/')
        .filter((part) => part !== '')
        .slice(-depth)
        .join('/'),
    );
}

/** watchdog's PatternMatchingEventHandler: dispatches only events whose paths the patterns select. */
export class PatternMatchingEventHandler extends FileSystemEventHandler {
  readonly patterns: readonly string[] | undefined;
  readonly ignore_patterns: readonly string[];
  readonly ignore_directories: boolean;
  readonly case_sensitive: boolean;
  private readonly included: Array<(path: string) => boolean>;
  private readonly excluded: Array<(path: string) => boolean>;

  constructor(options: PatternMatchingOptions = {}) {
    super();
    this.patterns = options.patterns;
    this.ignore_patterns = options.ignore_patterns ?? [];
    this.ignore_directories = options.ignore_directories ?? false;
    this.case_sensitive = options.case_sensitive ?? false;
    const both = (this.patterns ?? []).filter((p) => this.ignore_patterns.includes(p));
    if (both.length > 0) {
      throw new TswatchError(`patterns both included and ignored: ${both.join(', ')}`, {
        code: 'EBADPATTERN',
        hint: 'a pattern may be in patterns or in ignore_patterns, not in both',
      });
    }
    this.included = (this.patterns ?? ['*']).map((p) => compile(p, this.case_sensitive));
    this.excluded = this.ignore_patterns.map((p) => compile(p, this.case_sensitive));
  }

  override dispatch(event: FileSystemEvent): unknown {
    if (this.ignore_directories && event.is_directory) return undefined;
    const paths = [event.src_path, event.dest_path].filter((p) => p !== '');
    const selected = paths.some((p) => this.included.some((m) => m(p)) && !this.excluded.some((m) => m(p)));
    return selected ? super.dispatch(event) : undefined;
  }
}
