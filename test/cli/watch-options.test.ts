import assert from 'node:assert/strict';
import { Command } from 'commander';
import { basename, dirname } from 'node:path';
import { test } from 'node:test';
import { addWatchOptions, toWatchSelection } from '../../cli/watch-options.js';
import { ALL_EVENTS, Event, IN_CLOSE_WRITE, IN_CREATE, IN_DELETE, watchSpec } from '../../src/index.js';

/** An event on `pathname` inside its watched directory. */
const at = (pathname: string) => new Event({ wd: 1, mask: IN_CREATE, path: dirname(pathname), name: basename(pathname) });

function parse(argv: string[]) {
  const command = addWatchOptions(new Command('x').argument('<paths...>').exitOverride());
  command.parse(argv, { from: 'user' });
  return watchSpec(toWatchSelection(command.args, command.opts()));
}

test('flags become addWatch arguments: paths, mask, rec/autoAdd, exclude filter', () => {
  const spec = parse(['-r', '-e', 'create', '--event', 'delete,close_write', '--exclude', '/\\.git/', 'src', 'lib']);
  assert.deepEqual(spec.paths, ['src', 'lib']);
  assert.equal(spec.mask, IN_CREATE | IN_DELETE | IN_CLOSE_WRITE);
  assert.equal(spec.options.rec, true);
  assert.equal(spec.options.autoAdd, true);
  const exclude = spec.options.excludeFilter as (p: string) => boolean;
  assert.equal(exclude('src/.git'), true, 'a directory excluded from watching');
  assert.equal(exclude('src/.github'), false);
  assert.equal(spec.accepts(at('src/.git/HEAD')), false, 'and its events not reported');
  const dollar = parse(['--exclude', '\\.git$', 'src']).options.excludeFilter as (p: string) => boolean;
  assert.equal(dollar('src/.git'), false, "a pattern with '$' may not match below the directory: it stays watched");
});

test('no -e: every event; no filters: every path', () => {
  const spec = parse(['dir']);
  assert.equal(spec.mask, ALL_EVENTS);
  assert.equal(spec.options.rec, false);
  assert.equal(spec.options.excludeFilter, undefined);
  assert.equal(spec.accepts(at('dir/anything')), true);
});

test('--include/--includei and --glob select the events reported, not the directories watched', () => {
  const spec = parse(['--includei', '\\.MD$', '--glob', 'docs/**', '--glob', '*.txt', '.']);
  assert.equal(spec.options.excludeFilter, undefined);
  assert.equal(spec.accepts(at('docs/a/readme.md')), true);
  assert.equal(spec.accepts(at('other/readme.md')), false, 'matches the regex, but no glob');
  assert.equal(spec.accepts(at('deep/x/notes.txt')), false, 'a glob, but not the regex');
  const globOnly = parse(['--glob', '*.txt', '.']);
  assert.equal(globOnly.accepts(at('deep/x/notes.txt')), true, "a pattern without '/' matches the name at any depth");
  assert.equal(globOnly.accepts(at('deep/x/.hidden.txt')), true);
  const relative = parse(['--glob', 'src/**/*.ts', '/home/me/proj']);
  assert.equal(relative.accepts(at('/home/me/proj/src/a/b.ts')), true, "a pattern with '/' matches the path relative to the watched root");
  assert.equal(relative.accepts(at('/home/me/proj/lib/b.ts')), false);
  assert.equal(relative.accepts(at('/home/me/proj/lib/src/b.ts')), false, 'not the end of a deeper path (as the root command)');
});

test('bad values name the flag and the valid forms', () => {
  assert.throws(() => parse(['-e', 'create,bogus', '.']), /unknown event name 'bogus'/);
  assert.throws(() => parse(['--exclude', '(', '.']), /--exclude: '\(' is not a POSIX extended regular expression/);
  assert.throws(() => parse(['--no-dirs', '--only-dirs', '.']), /--no-dirs and --only-dirs cannot both be given/);
});

test('--ignore: no events and no watches below a matching directory; --no-dirs', () => {
  const spec = parse(['-r', '--ignore', 'node_modules', '--no-dirs', '/p']);
  const skip = spec.options.excludeFilter as (p: string) => boolean;
  assert.equal(skip('/p/a/node_modules'), true);
  assert.equal(skip('/p'), false, 'a watched root is watched');
  assert.equal(spec.accepts(at('/p/a/node_modules')), false, 'nor its own events');
  assert.equal(spec.accepts(at('/p/a/x.js')), true);
  assert.equal(spec.accepts(new Event({ wd: 1, mask: IN_CREATE, path: '/p', name: 'd', dir: true })), false, '--no-dirs');
});
