import { TswatchError } from '../errors.js';
import type { FileSystemEvent } from './events.js';
import { FileSystemEventHandler } from './file-system-event-handler.js';

export interface RegexMatchingOptions {
  /** Regular expressions a path must match at its start, as Python's re.match (default `.*`). */
  regexes?: ReadonlyArray<string | RegExp>;
  ignore_regexes?: ReadonlyArray<string | RegExp>;
  ignore_directories?: boolean;
  /** Default false, as watchdog. */
  case_sensitive?: boolean;
}

/** Anchored at the start (sticky), as re.match; case-insensitive unless asked otherwise. */
function compile(source: string | RegExp, caseSensitive: boolean): RegExp {
  const text = typeof source === 'string' ? source : source.source;
  try {
    return new RegExp(text, caseSensitive ? 'uy' : 'uyi');
  } catch (err) {
    throw new TswatchError(`invalid regular expression '${text}': ${(err as Error).message}`, {
      code: 'EBADPATTERN',
      hint: 'regexes are JavaScript regular expressions, matched at the start of the path',
    });
  }
}

const matches = (regex: RegExp, path: string): boolean => {
  regex.lastIndex = 0;
  return regex.test(path);
};

/** watchdog's RegexMatchingEventHandler: dispatches only events whose paths the regexes select. */
export class RegexMatchingEventHandler extends FileSystemEventHandler {
  readonly regexes: RegExp[];
  readonly ignore_regexes: RegExp[];
  readonly ignore_directories: boolean;
  readonly case_sensitive: boolean;

  constructor(options: RegexMatchingOptions = {}) {
    super();
    this.case_sensitive = options.case_sensitive ?? false;
    this.ignore_directories = options.ignore_directories ?? false;
    this.regexes = (options.regexes ?? ['.*']).map((r) => compile(r, this.case_sensitive));
    this.ignore_regexes = (options.ignore_regexes ?? []).map((r) => compile(r, this.case_sensitive));
  }

  override dispatch(event: FileSystemEvent): unknown {
    if (this.ignore_directories && event.is_directory) return undefined;
    const paths = [event.src_path, event.dest_path].filter((p) => p !== '');
    if (paths.some((p) => this.ignore_regexes.some((r) => matches(r, p)))) return undefined;
    if (!paths.some((p) => this.regexes.some((r) => matches(r, p)))) return undefined;
    return super.dispatch(event);
  }
}
