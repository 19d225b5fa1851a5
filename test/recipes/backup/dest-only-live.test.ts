/** Live mode keeps the user's own DEST files, as a restart does (issue 17.6). */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { backupDirs, startBackup } from './backup-fixture.js';

test('live rm -rf of a SRC directory deletes what was mirrored and keeps the MY-NOTES.txt the user put in DEST', {
  timeout: 60_000,
}, async () => {
  const { src, dest } = backupDirs();
  mkdirSync(join(src, 'proj/sub/deeper'), { recursive: true });
  writeFileSync(join(src, 'proj/sub/a.c'), 'a');
  writeFileSync(join(src, 'proj/sub/deeper/b.c'), 'b');
  const { settle, errors } = await startBackup(src, dest);
  writeFileSync(join(dest, 'proj/sub/MY-NOTES.txt'), 'mine');

  rmSync(join(src, 'proj/sub'), { recursive: true });
  await settle();
  assert.equal(readFileSync(join(dest, 'proj/sub/MY-NOTES.txt'), 'utf8'), 'mine');
  assert.equal(existsSync(join(dest, 'proj/sub/a.c')), false, 'the mirrored files go');
  assert.equal(existsSync(join(dest, 'proj/sub/deeper')), false, "and so do mirrored directories with nothing of the user's");
  assert.deepEqual(errors, []);
});

test('a directory rename (and its verify step) keeps DEST-only files under the new name', { timeout: 60_000 }, async () => {
  const { src, dest } = backupDirs();
  mkdirSync(join(src, 'docs/inner'), { recursive: true });
  writeFileSync(join(src, 'docs/a.txt'), 'a');
  const { settle, errors } = await startBackup(src, dest);
  writeFileSync(join(dest, 'docs/MY-NOTES.txt'), 'mine');
  writeFileSync(join(dest, 'docs/inner/mine-too.txt'), 'mine too');

  renameSync(join(src, 'docs'), join(src, 'documents'));
  writeFileSync(join(src, 'documents/new.txt'), 'new');
  await settle();
  assert.equal(readFileSync(join(dest, 'documents/MY-NOTES.txt'), 'utf8'), 'mine');
  assert.equal(readFileSync(join(dest, 'documents/inner/mine-too.txt'), 'utf8'), 'mine too');
  assert.equal(readFileSync(join(dest, 'documents/new.txt'), 'utf8'), 'new');
  // Renamed user files stay the user's: a later live delete of the directory keeps them too.
  rmSync(join(src, 'documents'), { recursive: true });
  await settle();
  assert.equal(readFileSync(join(dest, 'documents/MY-NOTES.txt'), 'utf8'), 'mine');
  assert.equal(existsSync(join(dest, 'documents/a.txt')), false);
  assert.deepEqual(errors, []);
});
