/** DEST/.tswatch-manifest: what was mirrored, so a restart can tell stale copies from the user's files. */
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Manifest } from '../../../recipes/backup/manifest.js';
import { backupDirs, startBackup, until } from './backup-fixture.js';

const listed = (dest: string): string[] =>
  readFileSync(join(dest, '.tswatch-manifest'), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as string);

test('each mirrored path is listed (hostile names too); the initial sync rewrites the list to what SRC holds', async () => {
  const { src, dest } = backupDirs();
  writeFileSync(join(src, 'a'), 'a');
  writeFileSync(join(src, 'new\nline'), 'n');
  const { settle } = await startBackup(src, dest);
  assert.deepEqual(listed(dest).sort(), ['a', 'new\nline']);
  writeFileSync(join(src, 'b'), 'b');
  renameSync(join(src, 'a'), join(src, 'c'));
  await settle();
  assert.ok(listed(dest).includes('b'));
  assert.ok(listed(dest).includes('c'), 'a rename target is listed before the rename');
});

test('churn of short-lived files does not grow the list forever: it is compacted when the queue drains', async () => {
  const { src, dest } = backupDirs();
  const { settle } = await startBackup(src, dest);
  for (let i = 0; i < 1200; i++) {
    writeFileSync(join(src, `tmp-${i}`), 'x');
    if (i % 100 === 99) await settle(); // let the copies happen, so they are listed
    unlinkSync(join(src, `tmp-${i}`));
  }
  await settle();
  // 1200 paths were listed; a compaction (past 1000 appends) dropped those already gone from DEST.
  await until(() => listed(dest).length <= 1000, 'the manifest compacted');
});

test('a re-sync that saw what the list says leaves the file alone (any order, hostile names); one that saw more, or a damaged list, rewrites it', async () => {
  const { dest } = backupDirs();
  mkdirSync(dest, { recursive: true });
  const paths = ['a', 'new\nline', 'q"uote', 'back\\slash', 'é😀', 'd/x'];
  const resync = async (rels: string[]): Promise<number> => {
    const manifest = new Manifest(dest);
    await manifest.load();
    manifest.beginRewrite();
    await manifest.rewrite(rels);
    await manifest.close();
    return statSync(join(dest, '.tswatch-manifest')).ino;
  };
  const first = await resync(paths);
  assert.deepEqual(listed(dest), paths);
  assert.equal(await resync(paths), first, 'same paths, same order: not rewritten');
  assert.equal(await resync([...paths].reverse()), first, 'same paths, another order: not rewritten');
  const more = await resync([...paths, 'b']);
  assert.notEqual(more, first);
  assert.deepEqual(listed(dest), [...paths, 'b']);
  appendFileSync(join(dest, '.tswatch-manifest'), '"cut sh');
  assert.notEqual(await resync([...paths, 'b']), more, 'a line cut short: rewritten');
  assert.deepEqual(listed(dest), [...paths, 'b']);
  const manifest = new Manifest(dest);
  await manifest.load();
  assert.equal(manifest.has('q"uote'), true);
  assert.equal(manifest.has('nope'), false);
});
