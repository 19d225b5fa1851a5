/** LiveBackup on real directories and the real kernel. */
import assert from 'node:assert/strict';
import {
  appendFileSync,
  chmodSync,
  closeSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertSameTree, backupDirs, startBackup, tempFiles, until } from './backup-fixture.js';

test('initial sync copies what is missing or changed, leaves unchanged files alone and keeps DEST-only files', async () => {
  const { src, dest } = backupDirs();
  mkdirSync(join(src, 'a/b'), { recursive: true });
  writeFileSync(join(src, 'same'), 'same');
  writeFileSync(join(src, 'changed'), 'new content');
  writeFileSync(join(src, 'a/b/deep'), 'deep');
  mkdirSync(join(dest, 'only-dir'), { recursive: true });
  writeFileSync(join(dest, 'only-dir/mine'), 'mine');
  writeFileSync(join(dest, 'only-file'), 'mine too');
  writeFileSync(join(dest, 'changed'), 'old');
  writeFileSync(join(dest, 'same'), 'same');
  const t = statSync(join(src, 'same')).mtime;
  utimesSync(join(dest, 'same'), t, t);
  const sameIno = statSync(join(dest, 'same')).ino;

  const { summary, errors } = await startBackup(src, dest);
  assert.deepEqual(errors, []);
  assert.equal(readFileSync(join(dest, 'changed'), 'utf8'), 'new content');
  assert.equal(readFileSync(join(dest, 'a/b/deep'), 'utf8'), 'deep');
  assert.equal(statSync(join(dest, 'same')).ino, sameIno, 'an unchanged file is not rewritten');
  assert.equal(readFileSync(join(dest, 'only-file'), 'utf8'), 'mine too');
  assert.equal(readFileSync(join(dest, 'only-dir/mine'), 'utf8'), 'mine');
  assert.equal(summary.copied, 2);
  assert.equal(summary.unchanged, 1);
  assert.equal(summary.extras, 3, 'only-dir, only-dir/mine, only-file');
  assert.equal(summary.deleted, 0);
});

test('initial sync with delete removes what exists only in DEST; excluded paths are never touched', async () => {
  const { src, dest } = backupDirs();
  writeFileSync(join(src, 'keep'), 'k');
  mkdirSync(join(dest, 'gone-dir/sub'), { recursive: true });
  writeFileSync(join(dest, 'gone-dir/sub/x'), 'x');
  writeFileSync(join(dest, 'gone-file'), 'y');
  writeFileSync(join(dest, 'local.tmp'), 'excluded, so not ours to delete');
  const { summary } = await startBackup(src, dest, { delete: true, exclude: ['*.tmp'] });
  assert.equal(summary.deleted, 2);
  assert.equal(existsSync(join(dest, 'gone-dir')), false);
  assert.equal(existsSync(join(dest, 'gone-file')), false);
  assert.equal(existsSync(join(dest, 'local.tmp')), true);
  assert.equal(readFileSync(join(dest, 'keep'), 'utf8'), 'k');
});

test('--checksum finds a same-size, same-mtime file whose content differs', async () => {
  const { src, dest } = backupDirs();
  mkdirSync(dest);
  writeFileSync(join(src, 'f'), 'AAAA');
  writeFileSync(join(dest, 'f'), 'BBBB');
  const t = new Date('2020-01-01T00:00:00Z');
  utimesSync(join(src, 'f'), t, t);
  utimesSync(join(dest, 'f'), t, t);
  const plain = await startBackup(src, dest, { dryRun: true });
  assert.equal(plain.summary.copied, 0, 'size and mtime say unchanged');
  await startBackup(src, dest, { checksum: true });
  assert.equal(readFileSync(join(dest, 'f'), 'utf8'), 'AAAA');
});

test('a file is copied once closed after writing, never half-written', async () => {
  const { src, dest } = backupDirs();
  const { settle, errors } = await startBackup(src, dest);
  const fd = openSync(join(src, 'half'), 'w');
  writeSync(fd, 'part one');
  await settle();
  assert.equal(existsSync(join(dest, 'half')), false, 'nothing in DEST while the writer has it open');
  writeSync(fd, ', part two');
  closeSync(fd);
  await until(() => existsSync(join(dest, 'half')) && readFileSync(join(dest, 'half'), 'utf8') === 'part one, part two', 'the whole file');
  appendFileSync(join(src, 'half'), ', three');
  await until(() => readFileSync(join(dest, 'half'), 'utf8') === 'part one, part two, three', 'the modification');
  assert.deepEqual(errors, []);
  assert.deepEqual(tempFiles(dest), []);
});

test('live: create, modify, delete, mkdir -p tree, symlinks, hard link, chmod and mtime are mirrored', async () => {
  const { src, dest } = backupDirs();
  const { settle, errors } = await startBackup(src, dest);
  writeFileSync(join(src, 'f'), 'one');
  mkdirSync(join(src, 'p/q/r'), { recursive: true });
  writeFileSync(join(src, 'p/q/r/leaf'), 'leaf');
  symlinkSync('/etc/passwd', join(src, 'out-link'));
  symlinkSync('p', join(src, 'dir-link'));
  writeFileSync(join(src, 'doomed'), 'x');
  await settle();
  assertSameTree(src, dest);
  assert.equal(readlinkSync(join(dest, 'out-link')), '/etc/passwd', 'the link, not what it points to');
  assert.ok(lstatSync(join(dest, 'dir-link')).isSymbolicLink(), 'a link to a directory stays a link');

  writeFileSync(join(src, 'f'), 'two, longer');
  unlinkSync(join(src, 'doomed'));
  linkSync(join(src, 'f'), join(src, 'hard'));
  chmodSync(join(src, 'p/q/r/leaf'), 0o640);
  chmodSync(join(src, 'p/q'), 0o750);
  const t = new Date('2001-02-03T04:05:06Z');
  utimesSync(join(src, 'p/q/r/leaf'), t, t);
  await settle();
  assertSameTree(src, dest);
  assert.equal(existsSync(join(dest, 'doomed')), false);
  assert.equal(readFileSync(join(dest, 'hard'), 'utf8'), 'two, longer');
  assert.equal(statSync(join(dest, 'p/q')).mode & 0o7777, 0o750);
  assert.equal(statSync(join(dest, 'p/q/r/leaf')).mode & 0o7777, 0o640);
  assert.equal(statSync(join(dest, 'p/q/r/leaf')).mtime.getTime(), t.getTime());

  rmSync(join(src, 'p/q'), { recursive: true });
  await settle();
  assertSameTree(src, dest);
  assert.deepEqual(errors, []);
});

test('live: chmod and mtime changes reach DEST without a copy', async () => {
  const { src, dest } = backupDirs();
  writeFileSync(join(src, 'f'), 'content');
  const { settle, actions } = await startBackup(src, dest);
  const ino = statSync(join(dest, 'f')).ino;
  chmodSync(join(src, 'f'), 0o604);
  const t = new Date('2001-02-03T04:05:06Z');
  utimesSync(join(src, 'f'), t, t);
  await settle();
  const st = statSync(join(dest, 'f'));
  assert.equal(st.mode & 0o7777, 0o604);
  assert.equal(st.mtime.getTime(), t.getTime());
  assert.equal(st.ino, ino, 'metadata only: the same DEST file');
  assert.ok(!actions.some((a) => a.action === 'copy' && a.path === 'f' && actions.indexOf(a) > 0));
});

test('renames are replayed as renames: files and a big directory keep their inodes in DEST', async () => {
  const { src, dest } = backupDirs();
  mkdirSync(join(src, 'big/inner'), { recursive: true });
  for (let i = 0; i < 300; i++) writeFileSync(join(src, 'big', `f${i}`), `file ${i}\n`.repeat(100));
  writeFileSync(join(src, 'big/inner/deep'), 'deep');
  writeFileSync(join(src, 'lone'), 'lone');
  const { settle, actions, errors } = await startBackup(src, dest);
  const dirIno = statSync(join(dest, 'big')).ino;
  const fileIno = statSync(join(dest, 'big/f7')).ino;
  const loneIno = statSync(join(dest, 'lone')).ino;
  const before = actions.length;

  renameSync(join(src, 'big'), join(src, 'huge'));
  renameSync(join(src, 'lone'), join(src, 'huge/inner/lone-moved'));
  await settle();
  assertSameTree(src, dest);
  assert.equal(statSync(join(dest, 'huge')).ino, dirIno);
  assert.equal(statSync(join(dest, 'huge/f7')).ino, fileIno);
  assert.equal(statSync(join(dest, 'huge/inner/lone-moved')).ino, loneIno);
  const after = actions.slice(before).filter((a) => !a.path.startsWith('.settle'));
  assert.deepEqual(
    after.map((a) => [a.action, a.path, a.to]),
    [
      ['rename', 'big', 'huge'],
      ['rename', 'lone', 'huge/inner/lone-moved'],
    ],
  );
  // A file written in the renamed directory lands under the new name.
  writeFileSync(join(src, 'huge/inner/after'), 'after');
  await settle();
  assertSameTree(src, dest);
  assert.deepEqual(errors, []);
});

test('moved out of SRC is a delete; moved in is a copy of the whole tree', async () => {
  const { src, dest } = backupDirs();
  const outside = backupDirs().src;
  mkdirSync(join(src, 'leaving/sub'), { recursive: true });
  writeFileSync(join(src, 'leaving/sub/x'), 'x');
  mkdirSync(join(outside, 'arriving/deep'), { recursive: true });
  writeFileSync(join(outside, 'arriving/deep/y'), 'y');
  const { settle } = await startBackup(src, dest);
  renameSync(join(src, 'leaving'), join(outside, 'left'));
  renameSync(join(outside, 'arriving'), join(src, 'arrived'));
  await until(() => !existsSync(join(dest, 'leaving')), 'the moved-out tree deleted in DEST');
  await settle();
  assertSameTree(src, dest);
  assert.equal(readFileSync(join(dest, 'arrived/deep/y'), 'utf8'), 'y');
});

test('hostile names are plain names: copied, renamed and deleted, never run', async () => {
  const { src, dest } = backupDirs();
  const names = ['$(rm -rf ~)', 'a;b', 'new\nline', '-rf', '  spaces  ', 'quote\'"', 'ü∂ 漢字', '*', 'x'.repeat(255)];
  for (const name of names.slice(0, 4)) writeFileSync(join(src, name), name);
  const { settle, errors } = await startBackup(src, dest);
  for (const name of names.slice(4)) writeFileSync(join(src, name), name);
  mkdirSync(join(src, '$(touch pwned)'));
  writeFileSync(join(src, '$(touch pwned)', '`id`'), 'inner');
  renameSync(join(src, 'a;b'), join(src, 'b;a && echo pwned'));
  unlinkSync(join(src, '-rf'));
  await settle();
  assertSameTree(src, dest);
  assert.equal(existsSync('pwned'), false);
  assert.deepEqual(errors, []);
});

test('--exclude leaves matching paths alone, at the start and live', async () => {
  const { src, dest } = backupDirs();
  mkdirSync(join(src, 'node_modules/pkg'), { recursive: true });
  writeFileSync(join(src, 'node_modules/pkg/index.js'), '');
  writeFileSync(join(src, 'a.log'), '');
  const { settle } = await startBackup(src, dest, { exclude: ['node_modules', '*.log'] });
  mkdirSync(join(src, 'sub/node_modules'), { recursive: true });
  writeFileSync(join(src, 'sub/node_modules/x'), '');
  writeFileSync(join(src, 'sub/b.log'), '');
  writeFileSync(join(src, 'sub/kept'), 'kept');
  await settle();
  assert.equal(existsSync(join(dest, 'node_modules')), false);
  assert.equal(existsSync(join(dest, 'a.log')), false);
  assert.equal(existsSync(join(dest, 'sub/node_modules')), false);
  assert.equal(existsSync(join(dest, 'sub/b.log')), false);
  assert.equal(readFileSync(join(dest, 'sub/kept'), 'utf8'), 'kept');
});

test('files that vanish before or during their copy are skipped quietly', async () => {
  const { src, dest } = backupDirs();
  const { settle, errors } = await startBackup(src, dest, { concurrency: 1 });
  for (let i = 0; i < 200; i++) {
    writeFileSync(join(src, `v${i}`), 'x'.repeat(10_000));
    unlinkSync(join(src, `v${i}`));
  }
  await settle();
  assertSameTree(src, dest);
  assert.deepEqual(errors, []);
  assert.deepEqual(tempFiles(dest), []);
});

test('SRC and DEST must not overlap', async () => {
  const { src } = backupDirs();
  await assert.rejects(startBackup(src, join(src, 'inside')), /overlap/);
  await assert.rejects(startBackup(join(src, 'missing'), join(src, '../d')), /no such directory/);
});

test('a file written just before its directory is renamed arrives with its new content under the new name', async () => {
  const { src, dest } = backupDirs();
  mkdirSync(join(src, 'd'));
  for (let i = 0; i < 20; i++) writeFileSync(join(src, 'd', `f${i}`), 'old');
  const { settle, errors } = await startBackup(src, dest, { concurrency: 1 });
  for (let i = 0; i < 20; i++) writeFileSync(join(src, 'd', `f${i}`), `new ${i}`);
  renameSync(join(src, 'd'), join(src, 'e'));
  await settle();
  assertSameTree(src, dest);
  assert.deepEqual(errors, []);
});

test('directory modes and mtimes follow SRC after live changes inside them', async () => {
  const { src, dest } = backupDirs();
  mkdirSync(join(src, 'd/e'), { recursive: true });
  const { settle } = await startBackup(src, dest);
  writeFileSync(join(src, 'd/new'), 'x');
  mkdirSync(join(src, 'd/e/f'));
  renameSync(join(src, 'd/new'), join(src, 'd/e/moved'));
  chmodSync(join(src, 'd/e'), 0o711);
  await settle();
  for (const dir of ['', 'd', 'd/e', 'd/e/f']) {
    const s = statSync(join(src, dir));
    const d = statSync(join(dest, dir));
    // Times cross utimes(2) as floating seconds: equal to the microsecond.
    assert.ok(Math.abs(d.mtimeMs - s.mtimeMs) < 0.001, `mtime of ${dir || 'the root'}: ${d.mtimeMs} vs ${s.mtimeMs}`);
    assert.equal(d.mode, s.mode, `mode of ${dir || 'the root'}`);
  }
});
