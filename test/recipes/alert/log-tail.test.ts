import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, renameSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { test } from 'node:test';
import { LogTail } from '../../../recipes/alert/log-tail.js';
import { tmpDir } from '../../helpers/tmp-dir.js';

function tail(path: string) {
  const lines: string[] = [];
  const t = new LogTail(path, (line) => lines.push(line));
  return { t, lines };
}

test('only lines appended after start are read; a partial line waits for its newline', async () => {
  const log = join(tmpDir(), 'app.log');
  writeFileSync(log, 'old 1\nold 2\n');
  const { t, lines } = tail(log);
  await t.start();
  appendFileSync(log, 'new 1\nnew ');
  await t.poke();
  assert.deepEqual(lines, ['new 1']);
  appendFileSync(log, '2\r\n');
  await t.poke();
  assert.deepEqual(lines, ['new 1', 'new 2']);
  await t.close();
});

test('rename + recreate: the rest of the old file, then the new one from its start', async () => {
  const dir = tmpDir();
  const log = join(dir, 'app.log');
  writeFileSync(log, '');
  const { t, lines } = tail(log);
  await t.start();
  appendFileSync(log, 'a\n');
  await t.poke();
  appendFileSync(log, 'b\nlast-without-newline'); // written before the rotation, read after it
  renameSync(log, `${log}.1`);
  writeFileSync(log, 'c\n');
  await t.poke();
  assert.deepEqual(lines, ['a', 'b', 'last-without-newline', 'c']);
  appendFileSync(`${log}.1`, 'late write to the old file\n');
  appendFileSync(log, 'd\n');
  await t.poke();
  assert.deepEqual(lines.slice(4), ['d']);
  await t.close();
});

test('copytruncate and plain truncation: reading starts again at 0', async () => {
  const log = join(tmpDir(), 'app.log');
  writeFileSync(log, 'before start\n');
  const { t, lines } = tail(log);
  await t.start();
  appendFileSync(log, 'one\ntwo\n');
  await t.poke();
  copyFileSync(log, `${log}.1`);
  truncateSync(log, 0);
  appendFileSync(log, 'three\n');
  await t.poke();
  writeFileSync(log, 'four\n'); // `> app.log`-style rewrite
  await t.poke();
  assert.deepEqual(lines, ['one', 'two', 'three', 'four']);
  await t.close();
});

test('truncated and refilled past the old size before it is read: still seen as a rewrite', async () => {
  const log = join(tmpDir(), 'app.log');
  writeFileSync(log, 'short\n');
  const { t, lines } = tail(log);
  await t.start();
  truncateSync(log, 0);
  appendFileSync(log, 'a longer line written after the truncation\n');
  await t.poke();
  assert.deepEqual(lines, ['a longer line written after the truncation']);
  await t.close();
});

test('a file deleted and created later is followed from its start', async () => {
  const log = join(tmpDir(), 'app.log');
  const { t, lines } = tail(log); // not there yet
  await t.start();
  await t.poke();
  writeFileSync(log, 'first\n');
  await t.poke();
  unlinkSync(log);
  await t.poke();
  writeFileSync(log, 'second\n');
  await t.poke();
  assert.deepEqual(lines, ['first', 'second']);
  await t.close();
});

test('copytruncate before the tail caught up: the unread lines are read from the copy, then the new file', async () => {
  const dir = tmpDir();
  const log = join(dir, 'app.log');
  writeFileSync(log, '');
  writeFileSync(`${log}.2`, 'an older copy, not this one\nb\nc\n');
  const { t, lines } = tail(log);
  await t.start();
  appendFileSync(log, 'a\n');
  await t.poke();
  appendFileSync(log, 'b, written just before the rotation\nc, too\n');
  copyFileSync(log, `${log}.1`); // logrotate copytruncate: copy, then truncate in place
  truncateSync(log, 0);
  appendFileSync(log, 'd, in the truncated file\n');
  await t.poke();
  assert.deepEqual(lines, ['a', 'b, written just before the rotation', 'c, too', 'd, in the truncated file']);
  await t.close();
});

test('copied and truncated again before the next read: the lines in the second copy are read too', async () => {
  const log = join(tmpDir(), 'app.log');
  writeFileSync(log, 'before start\n');
  const { t, lines } = tail(log);
  await t.start();
  appendFileSync(log, 'a\n');
  copyFileSync(log, `${log}.1`);
  truncateSync(log, 0);
  await t.poke(); // a, from the copy; the log is empty
  appendFileSync(log, 'b\n');
  copyFileSync(log, `${log}.1`); // the same copy's name, rewritten
  truncateSync(log, 0);
  appendFileSync(log, 'c\n');
  await t.poke();
  assert.deepEqual(lines, ['a', 'b', 'c']);
  await t.close();
});

test('two copytruncates before a read (logrotate numbering app.log.1 → app.log.2): both copies, oldest first', async () => {
  const log = join(tmpDir(), 'app.log');
  writeFileSync(log, 'x\n');
  writeFileSync(`${log}.1`, 'an old copy, read long ago\n');
  const { t, lines } = tail(log);
  await t.start();
  truncateSync(log, 0);
  await t.poke(); // started again at 0, nothing read since
  for (const line of ['a', 'b']) {
    appendFileSync(log, `${line}\n`);
    renameSync(`${log}.1`, `${log}.2`);
    copyFileSync(log, `${log}.1`);
    truncateSync(log, 0);
  }
  appendFileSync(log, 'c\n');
  await t.poke();
  assert.deepEqual(lines, ['a', 'b', 'c']);
  await t.close();
});

test('a copy the log was not truncated after, and a compressed old log, add no lines', async () => {
  const log = join(tmpDir(), 'app.log');
  writeFileSync(log, 'x\n');
  const { t, lines } = tail(log);
  await t.start();
  truncateSync(log, 0);
  await t.poke();
  appendFileSync(log, 'a\n');
  copyFileSync(log, `${log}.bak`); // a backup, not a copytruncate
  writeFileSync(`${log}.3.gz`, gzipSync('ERROR in an old, compressed log\n'));
  appendFileSync(log, 'b\n');
  await t.poke();
  assert.deepEqual(lines, ['a', 'b']);
  await t.close();
});

test('an old log renamed away that its writer still appends to adds no lines to the new one', async () => {
  const log = join(tmpDir(), 'app.log');
  writeFileSync(log, '');
  const { t, lines } = tail(log);
  await t.start();
  appendFileSync(log, 'a\n');
  await t.poke();
  renameSync(log, `${log}.1`);
  writeFileSync(log, '');
  await t.poke(); // the new, empty log, from 0
  appendFileSync(`${log}.1`, 'late write to the old file\n');
  appendFileSync(log, 'b\n');
  await t.poke();
  assert.deepEqual(lines, ['a', 'b']);
  await t.close();
});
