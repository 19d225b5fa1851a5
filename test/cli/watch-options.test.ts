import assert from 'node:assert/strict';
import { Command } from 'commander';
import { test } from 'node:test';
import { addWatchOptions, toWatchSpec } from '../../src/cli/watch-options.js';
import { ALL_EVENTS, IN_CLOSE_WRITE, IN_CREATE, IN_DELETE } from '../../src/index.js';

function parse(argv: string[]) {
  const command = addWatchOptions(new Command('x').argument('<paths...>').exitOverride());
  command.parse(argv, { from: 'user' });
  return toWatchSpec(command.args, command.opts());
}

test('flags become addWatch arguments: paths, mask, rec/autoAdd, exclude filter', () => {
  const spec = parse(['-r', '-e', 'create', '--event', 'delete,close_write', '--exclude', '/\\.git(/|$)', 'src', 'lib']);
  assert.deepEqual(spec.paths, ['src', 'lib']);
  assert.equal(spec.mask, IN_CREATE | IN_DELETE | IN_CLOSE_WRITE);
  assert.equal(spec.options.rec, true);
  assert.equal(spec.options.autoAdd, true);
  const exclude = spec.options.excludeFilter as (p: string) => boolean;
  assert.equal(exclude('src/.git'), true, 'a directory excluded from watching');
  assert.equal(exclude('src/.github'), false);
  assert.equal(spec.accepts('src/.git/HEAD'), false, 'and its events not reported');
});

test('no -e: every event; no filters: every path', () => {
  const spec = parse(['dir']);
  assert.equal(spec.mask, ALL_EVENTS);
  assert.equal(spec.options.rec, false);
  assert.equal(spec.options.excludeFilter, undefined);
  assert.equal(spec.accepts('dir/anything'), true);
});

test('--include/--includei and --glob select the events reported, not the directories watched', () => {
  const spec = parse(['--includei', '\\.MD$', '--glob', 'docs/**', '--glob', '*.txt', '.']);
  assert.equal(spec.options.excludeFilter, undefined);
  assert.equal(spec.accepts('docs/a/readme.md'), true);
  assert.equal(spec.accepts('other/readme.md'), false, 'matches the regex, but no glob');
  assert.equal(spec.accepts('deep/x/notes.txt'), false, 'a glob, but not the regex');
  const globOnly = parse(['--glob', '*.txt', '.']);
  assert.equal(globOnly.accepts('deep/x/notes.txt'), true, "a pattern without '/' matches the name at any depth");
  assert.equal(globOnly.accepts('deep/x/.hidden.txt'), true);
  const relative = parse(['--glob', 'src/**/*.ts', '/home/me/proj']);
  assert.equal(relative.accepts('/home/me/proj/src/a/b.ts'), true, "a relative pattern with '/' matches the end of the path");
  assert.equal(relative.accepts('/home/me/proj/lib/b.ts'), false);
});

test('bad values name the flag and the valid forms', () => {
  assert.throws(() => parse(['-e', 'create,bogus', '.']), /unknown event name 'bogus'/);
  assert.throws(() => parse(['--exclude', '(', '.']), /--exclude: '\(' is not a valid regular expression/);
});
