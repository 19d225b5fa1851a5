import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DirStats, type EntryStat } from '../src/index.js';
import { tmpDir } from './helpers/tmp-dir.js';

const FIELDS = ['mode', 'size', 'mtimeMs', 'uid', 'gid', 'dev', 'ino'] as const;

function tree(): string {
  const dir = tmpDir();
  writeFileSync(join(dir, 'file'), 'hello');
  mkdirSync(join(dir, 'sub'));
  symlinkSync('file', join(dir, 'link'));
  writeFileSync(join(dir, 'é😀'), 'x'.repeat(5000));
  return dir;
}

const same = (got: EntryStat, want: EntryStat): void => {
  for (const k of FIELDS) assert.equal(got[k], want[k], k);
  assert.deepEqual([got.isFile(), got.isDirectory(), got.isSymbolicLink()], [want.isFile(), want.isDirectory(), want.isSymbolicLink()]);
};

test('DirStats gives what lstat gives, for files, directories, symlinks and non-ASCII names', () => {
  const dir = tree();
  const names = ['file', 'sub', 'link', 'é😀'];
  const stats = new DirStats();
  stats.read(dir, names);
  names.forEach((name, i) => {
    assert.equal(stats.failed(i), false, name);
    same(stats.at(i), lstatSync(join(dir, name)));
    same(stats.snapshot(i), lstatSync(join(dir, name)));
  });
});

test('DirStats: a missing name, or a directory that is not there, fails that entry; set() fills it', () => {
  const dir = tree();
  const stats = new DirStats();
  stats.read(dir, ['gone', 'file']);
  assert.equal(stats.failed(0), true);
  assert.equal(stats.failed(1), false);
  stats.set(0, lstatSync(join(dir, 'sub')));
  assert.equal(stats.failed(0), false);
  assert.equal(stats.at(0).isDirectory(), true);
  stats.read(join(dir, 'nope'), ['file']);
  assert.equal(stats.failed(0), true);
});

test('DirStats grows for a big directory', () => {
  const dir = tmpDir();
  const names = Array.from({ length: 1000 }, (_, i) => `f${i}`);
  for (const name of names) writeFileSync(join(dir, name), name);
  const stats = new DirStats();
  stats.read(dir, names);
  assert.equal(stats.at(999).size, 4);
  assert.equal(stats.at(10).size, 3);
});

test("DirStats.list gives readdir's names in its order, each with its lstat and d_type", async () => {
  const dir = tree();
  const listing = await DirStats.list(dir);
  assert.ok(listing !== undefined);
  const dirents = readdirSync(dir, { withFileTypes: true });
  assert.deepEqual(
    listing.names,
    dirents.map((d) => d.name),
  );
  dirents.forEach((d, i) => {
    assert.equal(listing.stats.failed(i), false, d.name);
    same(listing.stats.at(i), lstatSync(join(dir, d.name)));
    assert.equal(listing.types[i] === 4, d.isDirectory(), d.name); // DT_DIR
  });
  assert.deepEqual((await DirStats.list(tmpDir()))?.names, []);
});

test('DirStats.list grows for a big directory of long names', async () => {
  const dir = tmpDir();
  for (let i = 0; i < 1500; i++) writeFileSync(join(dir, `${'n'.repeat(i % 200)}${i}`), String(i));
  const listing = await DirStats.list(dir);
  assert.ok(listing !== undefined);
  assert.deepEqual(listing.names, readdirSync(dir));
  for (const [i, name] of listing.names.entries()) assert.equal(listing.stats.at(i).size, name.replace(/^n*/, '').length, name);
});

test('DirStats.list: a directory that is not there (or not a directory) gives undefined, so the caller reads it itself', async () => {
  const dir = tree();
  assert.equal(await DirStats.list(join(dir, 'nope')), undefined);
  assert.equal(await DirStats.list(join(dir, 'file')), undefined);
});

test('without the addon nothing is read: every entry fails and the caller lstats it', async () => {
  const dir = tree();
  process.env.TSWATCH_NO_NATIVE = '1';
  try {
    const stats = new DirStats();
    stats.read(dir, ['file']);
    assert.equal(stats.failed(0), true);
    stats.set(0, lstatSync(join(dir, 'file')));
    same(stats.at(0), lstatSync(join(dir, 'file')));
    assert.equal(await DirStats.list(dir), undefined);
  } finally {
    delete process.env.TSWATCH_NO_NATIVE;
  }
});
