import { readFileSync } from 'node:fs';
import { TswatchError } from './errors.js';

/** A predicate on paths: true means "do not watch". */
export type PathFilter = (path: string) => boolean;

/**
 * pyinotify's ExcludeFilter: regular expressions matched at the start of the path (Python's re.match).
 * Takes a list of patterns, or the name of a file holding one pattern per line.
 */
export class ExcludeFilter {
  private readonly regexes: RegExp[];

  constructor(patterns: readonly string[] | string) {
    const list = typeof patterns === 'string' ? loadPatterns(patterns) : patterns;
    this.regexes = list.map((source) => {
      try {
        return new RegExp(source, 'uy'); // sticky at 0: anchored at the start, like re.match
      } catch (err) {
        throw new TswatchError(`invalid exclude pattern '${source}': ${(err as Error).message}`, {
          code: 'EBADPATTERN',
          hint: 'exclude patterns are regular expressions matched at the start of the path',
        });
      }
    });
  }

  /** Bound, so it can be passed as a plain function. */
  readonly test: PathFilter = (path) =>
    this.regexes.some((regex) => {
      regex.lastIndex = 0;
      return regex.test(path);
    });
}

function loadPatterns(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new TswatchError(`cannot read exclude patterns from '${file}': ${(err as Error).message}`, {
      code: 'EBADPATTERN',
      path: file,
      cause: err,
    });
  }
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** A filter given as an ExcludeFilter or a function, as the function. */
export function toPathFilter(filter: PathFilter | ExcludeFilter | undefined): PathFilter | undefined {
  return filter === undefined || typeof filter === 'function' ? filter : filter.test;
}
