import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DirEntries } from '../src/dir-entries.js';

test('DirEntries: a Map of name → is a directory, packed while small, two Sets past 64 names', () => {
  for (const n of [3, 200]) {
    const entries = new DirEntries();
    const names = Array.from({ length: n }, (_, i) => `f${i}`);
    entries.add(names, false);
    entries.add(['d', 'f'], true);
    assert.equal(entries.size, n + 2);
    assert.equal(entries.get('f1'), false);
    assert.equal(entries.get('d'), true);
    assert.equal(entries.get('f'), true);
    assert.equal(entries.has('f1x'), false, 'a name is not found inside a longer one');
    assert.equal(entries.has('1'), false);
    assert.equal(entries.addNew('f1', true), false, 'held as a file: not added as a directory');
    assert.equal(entries.get('f1'), false);
    assert.equal(entries.addNew('d', false), false, 'held as a directory: not added as a file');
    assert.equal(entries.get('d'), true);
    assert.equal(entries.size, n + 2);
    assert.equal(entries.addNew('new', false), true);
    assert.equal(entries.addNew('new', false), false);
    assert.equal(entries.delete('new'), true);
    entries.set('f1', true);
    assert.equal(entries.get('f1'), true);
    assert.equal(entries.delete('f0'), true);
    assert.equal(entries.delete('f0'), false);
    assert.equal(entries.size, n + 1);
    const all = new Map(entries);
    assert.equal(all.size, n + 1);
    assert.equal(all.get('f1'), true);
    assert.equal(all.get('f2'), n > 2 ? false : undefined);
  }
  const odd = new DirEntries();
  odd.set('a b', false).set('\u00e9\u0000x', true).set('.', false);
  assert.deepEqual([...odd].sort(), [
    ['.', false],
    ['a b', false],
    ['\u00e9\u0000x', true],
  ]);
});
