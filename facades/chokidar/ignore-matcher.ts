import type { Stats } from 'node:fs';
import { isAbsolute, join, normalize, relative } from 'node:path';
import type { Matcher } from './options.js';

/** Editors' swap and backup files, ignored with `atomic` as chokidar does. */
const SWAP_FILE = /\..*\.(sw[px])$|~$|\.subl.*\.tmp/;

export type IgnoreTest = ((path: string, stats?: Stats) => boolean) & {
  /** Some matcher looks at stats: call again once the entry is stat'ed. */
  wantsStats: boolean;
};

/** chokidar 5's `ignored`: strings are exact paths (relative ones taken from `cwd`), never globs. */
export function ignoreMatcher(matchers: readonly Matcher[], cwd: string | undefined, atomic: boolean): IgnoreTest {
  const tests = matchers.map((m): ((path: string, stats?: Stats) => boolean) => {
    if (typeof m === 'function') return m;
    if (typeof m === 'string') {
      const exact = normalize(isAbsolute(m) ? m : join(cwd ?? '', m));
      return (path) => path === exact;
    }
    if (m instanceof RegExp) return (path) => m.test(path);
    if (m !== null && typeof m === 'object') {
      return (path) => {
        if (m.path === path) return true;
        if (!m.recursive) return false;
        const rel = relative(m.path, path);
        return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
      };
    }
    return () => false;
  });
  const test = ((path: string, stats?: Stats) => {
    if (atomic && SWAP_FILE.test(path)) return true;
    for (const t of tests) if (t(path, stats)) return true;
    return false;
  }) as IgnoreTest;
  test.wantsStats = matchers.some((m) => typeof m === 'function' && m.length >= 2);
  return test;
}
