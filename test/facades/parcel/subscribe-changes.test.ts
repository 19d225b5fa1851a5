// tswatch/parcel's subscribe on the real kernel: what files, directories and symlinks changing are reported as,
// the behaviours @parcel/watcher's own suite checks.
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tmpDir } from '../../helpers/tmp-dir.js';
import { batches } from './batches.js';

// Each test's filesystem steps run synchronously in one tick, so they are all queued before the
// facade sees the first of them: the batch they land in does not depend on timing.

test('files: create, update, rename (delete + create), delete, one batch each', async () => {
  const dir = tmpDir();
  const w = await batches(dir);
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  writeFileSync(a, 'hello');
  assert.deepEqual(await w.batch(0), [{ type: 'create', path: a }]);
  writeFileSync(a, 'hi');
  assert.deepEqual(await w.batch(1), [{ type: 'update', path: a }]);
  renameSync(a, b);
  assert.deepEqual(await w.batch(2), [
    { type: 'delete', path: a },
    { type: 'create', path: b },
  ]);
  unlinkSync(b);
  assert.deepEqual(await w.batch(3), [{ type: 'delete', path: b }]);
});

test('a batch is sorted by path, as parcel sorts it (a rename to upper case creates first)', async () => {
  const dir = tmpDir();
  writeFileSync(join(dir, 'low'), '');
  const w = await batches(dir);
  renameSync(join(dir, 'low'), join(dir, 'LOW'));
  assert.deepEqual(await w.batch(0), [
    { type: 'create', path: join(dir, 'LOW') },
    { type: 'delete', path: join(dir, 'low') },
  ]);
});

test('directories: a removed tree is its entries deleted together; a moved one is the move alone', async () => {
  const dir = tmpDir();
  const w = await batches(dir);
  const d = join(dir, 'd');
  mkdirSync(join(d, 'sub'), { recursive: true });
  writeFileSync(join(d, 'f'), 'x');
  assert.deepEqual(await w.batch(0), [
    { type: 'create', path: d },
    { type: 'create', path: join(d, 'f') },
    { type: 'create', path: join(d, 'sub') },
  ]);
  renameSync(d, join(dir, 'd2'));
  renameSync(join(dir, 'd2/sub'), join(dir, 'd2/sub2'));
  assert.deepEqual(await w.batch(1), [
    { type: 'delete', path: d },
    { type: 'create', path: join(dir, 'd2') },
    { type: 'delete', path: join(dir, 'd2/sub') },
    { type: 'create', path: join(dir, 'd2/sub2') },
  ]);
  rmSync(join(dir, 'd2'), { recursive: true });
  assert.deepEqual(await w.batch(2), [
    { type: 'delete', path: join(dir, 'd2') },
    { type: 'delete', path: join(dir, 'd2/f') },
    { type: 'delete', path: join(dir, 'd2/sub2') },
  ]);
});

test('the watched directory itself going is its delete', async () => {
  const parent = tmpDir();
  const dir = join(parent, 'root');
  mkdirSync(dir);
  const w = await batches(dir);
  rmSync(dir, { recursive: true });
  assert.deepEqual(await w.batch(0), [{ type: 'delete', path: dir }]);
});

test('symlinks are entries: created, renamed, deleted; a write through one updates its target', async () => {
  const dir = tmpDir();
  const target = join(dir, 'target');
  const link = join(dir, 'link');
  writeFileSync(target, 'x');
  mkdirSync(join(dir, 'tdir'));
  const w = await batches(dir);
  symlinkSync(target, link);
  symlinkSync(join(dir, 'tdir'), join(dir, 'dirlink'));
  assert.deepEqual(await w.batch(0), [
    { type: 'create', path: join(dir, 'dirlink') },
    { type: 'create', path: link },
  ]);
  writeFileSync(link, 'through');
  assert.deepEqual(await w.batch(1), [{ type: 'update', path: target }]);
  renameSync(link, join(dir, 'link2'));
  unlinkSync(join(dir, 'dirlink'));
  assert.deepEqual(await w.batch(2), [
    { type: 'delete', path: join(dir, 'dirlink') },
    { type: 'delete', path: link },
    { type: 'create', path: join(dir, 'link2') },
  ]);
});

test('a batch folds each path: created+written is a create, created+deleted nothing, deleted+created an update', async () => {
  const dir = tmpDir();
  const p = (name: string) => join(dir, name);
  writeFileSync(p('old'), 'x');
  writeFileSync(p('doomed'), 'x');
  const w = await batches(dir);
  writeFileSync(p('new'), 'one');
  writeFileSync(p('new'), 'two');
  writeFileSync(p('brief'), 'x');
  unlinkSync(p('brief'));
  unlinkSync(p('old'));
  writeFileSync(p('old'), 'again');
  writeFileSync(p('hop1'), 'x');
  renameSync(p('hop1'), p('hop2'));
  renameSync(p('hop2'), p('hop3'));
  writeFileSync(p('doomed'), 'changed');
  unlinkSync(p('doomed'));
  assert.deepEqual(await w.batch(0), [
    { type: 'delete', path: p('doomed') },
    { type: 'create', path: p('hop3') },
    { type: 'create', path: p('new') },
    { type: 'update', path: p('old') },
  ]);
});
