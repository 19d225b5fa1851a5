import picomatch from 'picomatch';
import { TswatchError } from '../../src/index.js';

/**
 * `--exclude` globs as a predicate on paths relative to SRC. A pattern without a slash matches the name
 * at any depth (`*.tmp`, `node_modules`); one with a slash matches from SRC down (`build/**`); a
 * trailing slash matches directories only (`cache/`). An excluded directory is skipped whole.
 */
export function excludeGlobs(patterns: readonly string[]): (rel: string, isDir: boolean) => boolean {
  if (patterns.length === 0) return () => false;
  let match: (path: string) => boolean;
  try {
    match = picomatch([...patterns], { dot: true, basename: true });
  } catch (err) {
    throw new TswatchError(`invalid --exclude glob: ${(err as Error).message}`, {
      code: 'EBADPATTERN',
      hint: 'globs as in .gitignore: --exclude "*.tmp" --exclude "build/**"',
    });
  }
  return (rel, isDir) => match(rel) || (isDir && match(`${rel}/`));
}
