import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkWatchBudget, countWatches, IN_CREATE, inotifyUsage, processInotify, WatchLimitError } from '../src/index.js';
import { collect } from './helpers/collect.js';
import { tmpDir } from './helpers/tmp-dir.js';

test('countWatches: one per path, one per directory below with recursion, minus skipped subtrees', () => {
  const dir = tmpDir();
  for (const sub of ['a/b', 'a/c', 'skip/x/y']) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(join(dir, 'a/file'), '');
  assert.equal(countWatches([dir], false).watches, 1);
  assert.equal(countWatches([dir], true).watches, 7);
  assert.equal(countWatches([dir], true, (path) => path.endsWith('/skip')).watches, 4);
  assert.equal(countWatches([dir, join(dir, 'a/file')], true).watches, 8);
  // Past the cap counting stops: a watch of / answers at once that it needs too many.
  assert.deepEqual(countWatches([dir], true, undefined, 3), { watches: 4, capped: true, unreadable: 0 });
});

test('processInotify counts the watches this process holds; inotifyUsage includes them', () => {
  const before = processInotify(process.pid).watches;
  const dir = tmpDir();
  for (const sub of ['a', 'b', 'c']) mkdirSync(join(dir, sub));
  collect(dir, IN_CREATE, { rec: true });
  assert.equal(processInotify(process.pid).watches, before + 4);
  // Other processes (other test files) come and go meanwhile: only a lower bound holds for the total.
  assert.ok(inotifyUsage().watches >= before + 4);
});

test('checkWatchBudget: fits, or a WatchLimitError with the sysctl that makes it fit', () => {
  checkWatchBudget({ needed: 10, limit: 100, inUse: 90 });
  checkWatchBudget({ needed: 10, limit: undefined, inUse: 0 });
  assert.throws(
    () => checkWatchBudget({ needed: 2_000_000, limit: 8192, inUse: 100 }),
    (err: unknown) =>
      err instanceof WatchLimitError &&
      /needs 2000000 watches, only 8092 of 8192 are free \(100 in use by this user\)/.test(err.message) &&
      /sudo sysctl fs\.inotify\.max_user_watches=4194304/.test(err.hint ?? ''),
  );
});
