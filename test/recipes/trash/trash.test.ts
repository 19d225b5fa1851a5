/** The home trash, on real files: spec layout, list, restore, empty, refusals. */
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { encodeTrashPath, Trash } from '../../../recipes/trash/index.js';
import type { TswatchError } from '../../../src/index.js';
import { runSync, trashEnv } from '../../helpers/trash-env.js';

const HOSTILE = ['a b', '100%', 'nl\nx', '$(touch pwned)', 'é—日本', "it's;`x`", ' lead', '-dash'];

test('put: files/NAME and info/NAME.trashinfo (absolute Path=, local DeletionDate=), directories 0700', () => {
  const { work, trash, homeTrash } = trashEnv();
  const before = new Date();
  before.setMilliseconds(0);
  writeFileSync(join(work, 'file.txt'), 'hello');
  const item = trash.put(join(work, 'file.txt'));
  assert.equal(existsSync(join(work, 'file.txt')), false);
  assert.equal(readFileSync(join(homeTrash, 'files', 'file.txt'), 'utf8'), 'hello');
  const lines = readFileSync(join(homeTrash, 'info', 'file.txt.trashinfo'), 'utf8').split('\n');
  assert.deepEqual(lines.slice(0, 2), ['[Trash Info]', `Path=${encodeTrashPath(join(work, 'file.txt'))}`]);
  assert.match(lines[2]!, /^DeletionDate=\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  assert.ok(item.deletionDate!.getTime() >= before.getTime() && item.deletionDate!.getTime() <= Date.now());
  assert.deepEqual(
    { ...item, deletionDate: undefined },
    { path: join(work, 'file.txt'), deletionDate: undefined, size: 5, isDirectory: false, trashDir: homeTrash, name: 'file.txt' },
  );
  for (const dir of ['info', 'files']) assert.equal(lstatSync(join(homeTrash, dir)).mode & 0o777, 0o700);
  assert.equal(lstatSync(join(homeTrash, 'info', 'file.txt.trashinfo')).mode & 0o777, 0o600);
});

test('the same name trashed again becomes NAME_1, NAME_2; an orphan in files/ is never overwritten', () => {
  const { work, trash, homeTrash } = trashEnv();
  mkdirSync(join(homeTrash, 'files'), { recursive: true });
  writeFileSync(join(homeTrash, 'files', 'x_1'), 'orphan');
  for (const content of ['one', 'two', 'three']) {
    writeFileSync(join(work, 'x'), content);
    trash.put(join(work, 'x'));
  }
  assert.deepEqual(readdirSync(join(homeTrash, 'info')).sort(), ['x.trashinfo', 'x_2.trashinfo', 'x_3.trashinfo']);
  assert.equal(readFileSync(join(homeTrash, 'files', 'x_1'), 'utf8'), 'orphan');
  assert.deepEqual(
    ['x', 'x_2', 'x_3'].map((n) => readFileSync(join(homeTrash, 'files', n), 'utf8')),
    ['one', 'two', 'three'],
  );
});

test('a directory is moved whole and directorysizes records its du -B1 size and trashinfo mtime', () => {
  const { work, trash, homeTrash } = trashEnv();
  mkdirSync(join(work, 'd e/sub'), { recursive: true });
  writeFileSync(join(work, 'd e/sub/big'), Buffer.alloc(100_000, 1));
  writeFileSync(join(work, 'd e/small'), 'x');
  const item = trash.put(join(work, 'd e'));
  const du = runSync('du', ['-B1', '-s', join(homeTrash, 'files', 'd e')]);
  const expected = Number(du.stdout.split('\t')[0]);
  const mtime = Math.floor(lstatSync(join(homeTrash, 'info', 'd e.trashinfo')).mtimeMs / 1000);
  assert.equal(readFileSync(join(homeTrash, 'directorysizes'), 'utf8'), `${expected} ${mtime} d%20e\n`);
  assert.equal(item.size, expected);
  assert.equal(item.isDirectory, true);
  // A lost or stale cache is rebuilt by the next reader, as spec 1.0 asks.
  writeFileSync(join(homeTrash, 'directorysizes'), `1 ${mtime - 5} d%20e\n`);
  assert.equal(trash.list()[0]!.size, expected);
  assert.equal(readFileSync(join(homeTrash, 'directorysizes'), 'utf8'), `${expected} ${mtime} d%20e\n`);
  // Restored: its entry leaves the cache.
  trash.restore(join(work, 'd e'));
  assert.equal(readFileSync(join(homeTrash, 'directorysizes'), 'utf8'), '');
  assert.equal(readFileSync(join(work, 'd e/sub/big')).length, 100_000);
});

test('a symlink is trashed itself, never its target', () => {
  const { work, trash, homeTrash } = trashEnv();
  writeFileSync(join(work, 'target'), 'keep me');
  symlinkSync('target', join(work, 'link'));
  symlinkSync('/nowhere', join(work, 'dangling'));
  trash.put(join(work, 'link'));
  trash.put(join(work, 'dangling'));
  assert.equal(readFileSync(join(work, 'target'), 'utf8'), 'keep me');
  assert.equal(readlinkSync(join(homeTrash, 'files', 'link')), 'target');
  assert.equal(readlinkSync(join(homeTrash, 'files', 'dangling')), '/nowhere');
});

test('hostile names go to the trash and come back byte for byte; nothing in them is executed', () => {
  const { work, trash } = trashEnv();
  for (const name of HOSTILE) writeFileSync(join(work, name), `content of ${name}`);
  for (const name of HOSTILE) trash.put(join(work, name));
  assert.deepEqual(readdirSync(work), []);
  assert.deepEqual(
    trash
      .list()
      .map((i) => i.path)
      .sort(),
    HOSTILE.map((n) => join(work, n)).sort(),
  );
  for (const name of HOSTILE) trash.restore(join(work, name));
  assert.deepEqual(readdirSync(work).sort(), [...HOSTILE].sort());
  for (const name of HOSTILE) assert.equal(readFileSync(join(work, name), 'utf8'), `content of ${name}`);
  assert.equal(existsSync('pwned') || existsSync(join(work, 'pwned')), false);
});

test('a name too long for NAME.trashinfo is shortened to fit NAME_MAX', () => {
  const { work, trash } = trashEnv();
  const name = 'é'.repeat(127); // 254 bytes: the file fits, NAME.trashinfo would not
  writeFileSync(join(work, name), 'x');
  const item = trash.put(join(work, name));
  assert.ok(Buffer.byteLength(`${item.name}.trashinfo`) <= 255);
  assert.equal(item.path, join(work, name));
  trash.restore(join(work, name));
  assert.equal(readFileSync(join(work, name), 'utf8'), 'x');
});

test('restore: the newest version by default, --version N counts back, nothing overwritten without force', () => {
  const { work, options } = trashEnv();
  let clock = new Date(2026, 0, 1, 10, 0, 0).getTime();
  const trash = new Trash({
    ...options,
    now: () => {
      clock += 60_000;
      return new Date(clock);
    },
  });
  for (const content of ['v1', 'v2', 'v3']) {
    writeFileSync(join(work, 'notes'), content);
    trash.put(join(work, 'notes'));
  }
  trash.restore('notes', { cwd: work, version: 2 });
  assert.equal(readFileSync(join(work, 'notes'), 'utf8'), 'v2');
  assert.throws(
    () => trash.restore(join(work, 'notes')),
    (err: TswatchError) => err.code === 'EEXIST' && /refusing to overwrite/.test(err.message) && /--force/.test(err.hint!),
  );
  assert.equal(readFileSync(join(work, 'notes'), 'utf8'), 'v2');
  // --force: what was in the way goes to the trash, it is not lost.
  trash.restore(join(work, 'notes'), { force: true });
  assert.equal(readFileSync(join(work, 'notes'), 'utf8'), 'v3');
  assert.deepEqual(
    trash
      .list()
      .map((i) => readFileSync(join(i.trashDir, 'files', i.name), 'utf8'))
      .sort(),
    ['v1', 'v2'],
  );
  assert.throws(
    () => trash.restore(join(work, 'notes'), { version: 3, force: true }),
    (err: TswatchError) => /2 trashed version/.test(err.message) && /1 \(the newest\) to 2/.test(err.hint!),
  );
  assert.throws(
    () => trash.restore(join(work, 'nothing-here')),
    (err: TswatchError) => err.code === 'ENOENT' && /tswatch trash list/.test(err.hint!),
  );
});

test('restore a glob, --to another directory (created), the original parent recreated if gone', () => {
  const { work, trash } = trashEnv();
  mkdirSync(join(work, 'logs'));
  for (const name of ['a.log', 'b.log', 'c.txt']) writeFileSync(join(work, 'logs', name), name);
  for (const name of ['a.log', 'b.log', 'c.txt']) trash.put(join(work, 'logs', name));
  trash.put(join(work, 'logs'));
  const restored = trash.restore('logs/*.log', { cwd: work, to: join(work, 'old') });
  assert.deepEqual(restored.map((r) => r.restoredTo).sort(), [join(work, 'old/a.log'), join(work, 'old/b.log')]);
  assert.equal(readFileSync(join(work, 'old/b.log'), 'utf8'), 'b.log');
  trash.restore(join(work, 'logs/c.txt'));
  assert.equal(readFileSync(join(work, 'logs/c.txt'), 'utf8'), 'c.txt');
});

test('empty --older-than removes only what is older; empty removes everything, orphans included', () => {
  const { work, options, homeTrash } = trashEnv();
  const now = Date.now();
  const at = (ms: number) => new Trash({ ...options, now: () => new Date(ms) });
  writeFileSync(join(work, 'old'), 'x');
  writeFileSync(join(work, 'new'), 'x');
  at(now - 10 * 86_400_000).put(join(work, 'old'));
  at(now - 1 * 86_400_000).put(join(work, 'new'));
  writeFileSync(join(homeTrash, 'files', 'orphan'), '');
  mkdirSync(join(work, 'olddir'));
  at(now - 10 * 86_400_000).put(join(work, 'olddir'));
  assert.match(readFileSync(join(homeTrash, 'directorysizes'), 'utf8'), / olddir\n$/);
  const trash = new Trash(options);
  assert.deepEqual(
    trash
      .empty({ olderThanDays: 5 })
      .map((i) => i.path)
      .sort(),
    [join(work, 'old'), join(work, 'olddir')],
  );
  assert.equal(readFileSync(join(homeTrash, 'directorysizes'), 'utf8'), '');
  assert.deepEqual(
    trash.list().map((i) => i.path),
    [join(work, 'new')],
  );
  assert.equal(existsSync(join(homeTrash, 'files', 'orphan')), true);
  trash.empty();
  assert.deepEqual(readdirSync(join(homeTrash, 'files')), []);
  assert.deepEqual(readdirSync(join(homeTrash, 'info')), []);
});

test("refuses '/', '.', '..', the trash itself and what contains it; a missing file is ENOENT", () => {
  const { work, home, trash, homeTrash } = trashEnv();
  writeFileSync(join(work, 'f'), '');
  trash.put(join(work, 'f')); // the home trash now exists
  const refusals = ['/', '.', '..', `${home}/..`, homeTrash, join(homeTrash, 'files'), home, join(home, '.local')];
  for (const path of refusals)
    assert.throws(
      () => trash.put(path),
      (err: TswatchError) => err.code === 'EINVAL' && err.message.startsWith('refusing to trash'),
      path,
    );
  assert.throws(
    () => trash.put(join(work, 'missing')),
    (err: TswatchError) => err.code === 'ENOENT' && /No such file/.test(err.message),
  );
});
