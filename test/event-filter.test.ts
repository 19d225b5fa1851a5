import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Event, eventFilter, IN_CREATE, IN_ISDIR } from '../src/index.js';

const event = (path: string, name: string, dir = false) => new Event({ wd: 1, mask: IN_CREATE | (dir ? IN_ISDIR : 0), name, path });

test('skipDir: @exclusions, --exclude patterns that cover dir/…, --ignore globs; never a root', () => {
  const { skipDir } = eventFilter(['./', '/abs/root'], { exclude: ['/\\.git/', 'cache$', 'tmp/\\B'], ignore: ['node_modules'] }, [
    './gone',
    '/abs/root/x/',
  ]);
  assert.equal(skipDir('./gone'), true, '@ exclusion, normalized');
  assert.equal(skipDir('/abs/root/x'), true, '@ exclusion with a trailing slash');
  assert.equal(skipDir('./a/.git'), true);
  assert.equal(skipDir('./a/node_modules'), true, 'basename glob');
  assert.equal(skipDir('./cache'), false, 'a pattern with $ may not match below: watch it, filter events');
  assert.equal(skipDir('./tmp'), false, 'a pattern with a word boundary looks past the match');
  assert.equal(skipDir('./src'), false);
  assert.equal(skipDir('/abs/root'), false, 'a root given to watch is watched');
});

test('accept: regexes on %w%f (every --exclude counts), globs relative to the root, dir filters', () => {
  const { accept } = eventFilter(['/r'], { exclude: ['\\.swp$', '~$'], includei: ['\\.(TS|md|swp)$'] });
  assert.deepEqual(
    ['a.ts', 'a.swp', 'b~', 'c.MD', 'd.js'].filter((n) => accept(event('/r', n))),
    ['a.ts', 'c.MD'],
  );
  const globs = eventFilter(['/r/'], { glob: ['src/**/*.ts', '*.md'], ignore: ['**/gen/**'] }).accept;
  assert.equal(globs(event('/r/src/x', 'a.ts')), true);
  assert.equal(globs(event('/r', 'a.ts')), false, 'src/**/*.ts is relative to the root');
  assert.equal(globs(event('/r/deep/er', 'README.md')), true, 'no slash: the base name');
  assert.equal(globs(event('/r/src/gen', 'b.ts')), false);
  assert.equal(eventFilter(['/r'], { dirs: false }).accept(event('/r', 'd', true)), false);
  assert.equal(eventFilter(['/r'], { onlyDirs: true }).accept(event('/r', 'f')), false);
  assert.throws(() => eventFilter(['/r'], { dirs: false, onlyDirs: true }), /--no-dirs and --only-dirs cannot both be given/);
});
