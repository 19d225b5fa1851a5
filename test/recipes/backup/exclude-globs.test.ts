import assert from 'node:assert/strict';
import { test } from 'node:test';
import { excludeGlobs } from '../../../recipes/backup/index.js';

test('--exclude globs read as .gitignore: names at any depth, paths from SRC, trailing slash for directories', () => {
  const excluded = excludeGlobs(['*.tmp', 'node_modules', 'build/**', 'cache/', 'docs/old/']);
  const cases: Array<[string, boolean, boolean]> = [
    ['x.tmp', false, true],
    ['a/b/x.tmp', false, true],
    ['a/node_modules', true, true],
    ['build/out.o', false, true],
    ['src/build/out.o', false, false],
    ['cache', true, true],
    ['a/cache', true, true],
    ['cache', false, false],
    ['docs/old', true, true],
    ['a/docs/old', true, false],
    ['src/main.c', false, false],
    ['.hidden.tmp', false, true],
  ];
  for (const [rel, isDir, expected] of cases) assert.equal(excluded(rel, isDir), expected, `${rel}${isDir ? '/' : ''}`);
  assert.equal(excludeGlobs([])('anything', false), false);
});
