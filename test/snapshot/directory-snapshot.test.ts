import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DirectorySnapshot, DirectorySnapshotDiff } from '../../src/index.js';
import { tmpDir } from '../helpers/tmp-dir.js';

function tree(root: string): void {
  mkdirSync(join(root, 'd/e'), { recursive: true });
  mkdirSync(join(root, 'gone-dir'));
  mkdirSync(join(root, 'olddir/inner'), { recursive: true });
  for (const f of ['keep', 'mod', 'del', 'old', 'd/e/f', 'olddir/inner/x', 'replaced']) writeFileSync(join(root, f), 'x');
}

test('a diff names files and directories created, deleted, modified and moved (by inode)', () => {
  const root = tmpDir();
  tree(root);
  const before = new DirectorySnapshot(root);
  assert.ok(before.has(root) && before.isdir(root) && before.has(join(root, 'd/e/f')));
  writeFileSync(join(root, 'new'), '');
  mkdirSync(join(root, 'newdir'));
  appendFileSync(join(root, 'mod'), 'more');
  rmSync(join(root, 'del'));
  rmSync(join(root, 'gone-dir'), { recursive: true });
  renameSync(join(root, 'old'), join(root, 'renamed'));
  renameSync(join(root, 'olddir'), join(root, 'newname'));
  // Written beside and renamed over (an editor's save): a new inode at the same path.
  writeFileSync(join(root, 'replaced.tmp'), 'new inode');
  renameSync(join(root, 'replaced.tmp'), join(root, 'replaced'));
  const diff = new DirectorySnapshotDiff(before, new DirectorySnapshot(root));
  const p = (...names: string[]) => names.map((n) => join(root, n));
  assert.deepEqual(diff.files_created, p('new', 'replaced'));
  assert.deepEqual(diff.files_deleted, p('del', 'replaced'));
  assert.deepEqual(diff.files_modified, p('mod'));
  assert.deepEqual(diff.files_moved, [
    [join(root, 'old'), join(root, 'renamed')],
    [join(root, 'olddir/inner/x'), join(root, 'newname/inner/x')],
  ]);
  assert.deepEqual(diff.dirs_created, p('newdir'));
  assert.deepEqual(diff.dirs_deleted, p('gone-dir'));
  assert.ok(diff.dirs_modified.includes(root), 'the root changed: entries came and went');
  assert.deepEqual(diff.dirs_moved, [
    [join(root, 'olddir'), join(root, 'newname')],
    [join(root, 'olddir/inner'), join(root, 'newname/inner')],
  ]);
});

test('an mtime-only change is a modify; an unchanged tree is an empty diff', () => {
  const root = tmpDir();
  tree(root);
  const a = new DirectorySnapshot(root);
  assert.ok(new DirectorySnapshotDiff(a, new DirectorySnapshot(root)).empty);
  utimesSync(join(root, 'keep'), new Date(2000, 1, 1), new Date(2000, 1, 1));
  assert.deepEqual(new DirectorySnapshotDiff(a, new DirectorySnapshot(root)).files_modified, [join(root, 'keep')]);
});

test('non-recursive and excluded snapshots leave out what they should', () => {
  const root = tmpDir();
  tree(root);
  const flat = new DirectorySnapshot(root, { recursive: false });
  assert.ok(flat.has(join(root, 'd')) && !flat.has(join(root, 'd/e')));
  const some = new DirectorySnapshot(root, { exclude: (p) => p.endsWith('/d') });
  assert.ok(!some.has(join(root, 'd')) && !some.has(join(root, 'd/e/f')) && some.has(join(root, 'keep')));
  assert.equal(new DirectorySnapshot(join(root, 'missing')).size, 0, 'a missing root is an empty snapshot');
});

test('serialized and read back, a snapshot diffs the same', () => {
  const root = tmpDir();
  tree(root);
  const a = new DirectorySnapshot(root);
  const back = DirectorySnapshot.fromJSON(JSON.parse(JSON.stringify(a)));
  assert.deepEqual([...back.paths].sort(), [...a.paths].sort());
  renameSync(join(root, 'old'), join(root, 'moved'));
  assert.deepEqual(new DirectorySnapshotDiff(back, new DirectorySnapshot(root)).files_moved, [[join(root, 'old'), join(root, 'moved')]]);
  assert.throws(() => DirectorySnapshot.fromJSON({ nope: 1 } as never), /not a serialized DirectorySnapshot/);
});

test('100k entries: snapshot and diff well within seconds (no per-file await)', () => {
  const root = tmpDir();
  for (let d = 0; d < 100; d++) {
    const dir = join(root, `d${d}`);
    mkdirSync(dir);
    for (let f = 0; f < 1000; f++) writeFileSync(join(dir, `f${f}`), '');
  }
  let t0 = performance.now();
  const a = new DirectorySnapshot(root);
  const walkMs = performance.now() - t0;
  assert.equal(a.size, 1 + 100 + 100_000);
  renameSync(join(root, 'd0/f0'), join(root, 'd1/moved'));
  const b = new DirectorySnapshot(root);
  t0 = performance.now();
  const diff = new DirectorySnapshotDiff(a, b);
  const diffMs = performance.now() - t0;
  assert.deepEqual(diff.files_moved, [[join(root, 'd0/f0'), join(root, 'd1/moved')]]);
  t0 = performance.now();
  const json = JSON.stringify(a);
  DirectorySnapshot.fromJSON(JSON.parse(json));
  const serialMs = performance.now() - t0;
  console.log(
    `# 100k entries: snapshot ${walkMs.toFixed(0)} ms, diff ${diffMs.toFixed(0)} ms, JSON round trip ${serialMs.toFixed(0)} ms (${(json.length / 1e6).toFixed(1)} MB)`,
  );
  assert.ok(walkMs < 10_000 && diffMs < 5_000, `snapshot ${walkMs} ms, diff ${diffMs} ms`);
});

test('a freed inode reused by a new entry is a delete and a create, not a move', () => {
  const root = tmpDir();
  for (let i = 0; i < 20; i++) writeFileSync(join(root, `old${i}`), 'x'.repeat(i));
  const a = new DirectorySnapshot(root);
  for (let i = 0; i < 20; i++) rmSync(join(root, `old${i}`));
  for (let i = 0; i < 10; i++) mkdirSync(join(root, `dir${i}`));
  for (let i = 0; i < 10; i++) writeFileSync(join(root, `new${i}`), 'different content');
  const diff = new DirectorySnapshotDiff(a, new DirectorySnapshot(root));
  assert.deepEqual(diff.files_moved, []);
  assert.deepEqual(diff.dirs_moved, []);
  assert.equal(diff.files_deleted.length, 20);
  assert.equal(diff.files_created.length + diff.dirs_created.length, 20);
});
