import picomatch from 'picomatch';
import { TswatchError } from '../../src/index.js';

type Matcher = (path: string) => boolean;

function compile(patterns: readonly string[], basename: boolean): Matcher {
  if (patterns.length === 0) return () => false;
  try {
    return picomatch([...patterns], { dot: true, basename });
  } catch (err) {
    throw new TswatchError(`invalid --exclude glob: ${(err as Error).message}`, {
      code: 'EBADPATTERN',
      hint: 'globs as in .gitignore: --exclude "*.tmp" --exclude "build/**" --exclude "cache/"',
    });
  }
}

/**
 * `--exclude` globs as a predicate on paths relative to SRC, read as .gitignore reads them: a pattern
 * without a slash matches the name at any depth (`*.tmp`, `node_modules`); one with a slash matches
 * from SRC down (`build/**`, `docs/*.pdf`); a trailing slash matches directories only (`cache/`).
 * An excluded directory is skipped whole.
 */
export function excludeGlobs(patterns: readonly string[]): (rel: string, isDir: boolean) => boolean {
  const dirOnly = patterns.filter((p) => p.endsWith('/')).map((p) => p.replace(/\/+$/, ''));
  const any = patterns.filter((p) => !p.endsWith('/'));
  const hasSlash = (p: string): boolean => p.includes('/');
  // picomatch's `basename` only helps patterns without a slash; it breaks those with one.
  const anyName = compile(
    any.filter((p) => !hasSlash(p)),
    true,
  );
  const anyPath = compile(any.filter(hasSlash), false);
  const dirName = compile(
    dirOnly.filter((p) => !hasSlash(p)),
    true,
  );
  const dirPath = compile(dirOnly.filter(hasSlash), false);
  return (rel, isDir) => anyName(rel) || anyPath(rel) || (isDir && (dirName(rel) || dirPath(rel)));
}
