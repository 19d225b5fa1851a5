/** Volume trashes on a second, real filesystem (a tmpfs mounted for the test), checked with trash-cli. */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type TestContext, test } from 'node:test';
import { encodeTrashPath, Trash } from '../../../recipes/trash/index.js';
import { rawName, tswatchRaw } from '../../helpers/run-raw.js';
import { runSync, secondFilesystem, trashEnv, tswatchSync } from '../../helpers/trash-env.js';
import type { TswatchError } from '../../../src/index.js';

const uid = process.getuid!();

/** A second filesystem; `ownMount`: one this test may reconfigure (its .Trash, read-only), not /dev/shm. */
function volume(t: TestContext, ownMount = false) {
  const fs = secondFilesystem();
  if ('skip' in fs || (ownMount && fs.top !== fs.dir)) {
    t.skip('skip' in fs ? fs.skip : 'mount -t tmpfs is not permitted here; /dev/shm is shared, so its .Trash is left alone');
    return undefined;
  }
  // This trash looks in every trash directory (the volume's too); the tests restore only their own paths.
  const env = trashEnv();
  return { ...env, ...fs, trash: new Trash({ env: env.env }) };
}

/**
 * trash-cli's view: the paths trash-list prints, under `prefix`. Each once: trash-cli lists a trash twice
 * when its mount point is mounted twice (stacked tmpfs on /dev/shm).
 */
function trashCliList(env: NodeJS.ProcessEnv, prefix: string): string[] {
  const run = runSync('trash-list', [], { env });
  assert.equal(run.status, 0, run.stderr);
  const paths = run.stdout.split('\n').map((line) => line.slice(20));
  return [...new Set(paths.filter((path) => path.startsWith(prefix)))].sort();
}

test('a file on another filesystem goes to $topdir/.Trash-$uid with Path= relative to the top dir', (t) => {
  const v = volume(t);
  if (!v) return;
  mkdirSync(join(v.dir, 'sub dir'));
  writeFileSync(join(v.dir, 'sub dir', 'f é'), 'data');
  const item = v.trash.put(join(v.dir, 'sub dir', 'f é'));
  const trashDir = join(v.top, `.Trash-${uid}`);
  assert.equal(item.trashDir, trashDir);
  const relativePath = join(v.dir, 'sub dir', 'f é').slice(v.top.length + 1);
  assert.match(
    readFileSync(join(trashDir, 'info', `${item.name}.trashinfo`), 'utf8'),
    new RegExp(`^\\[Trash Info\\]\nPath=${encodeTrashPath(relativePath).replace(/[.%]/g, '\\$&')}\nDeletionDate=`),
  );
  assert.equal(readFileSync(join(trashDir, 'files', item.name), 'utf8'), 'data');
  assert.equal(existsSync(join(v.homeTrash, 'files')), false, 'nothing went to the home trash');
  // trash-cli finds it on the volume, with the absolute original path, and restores it.
  assert.deepEqual(trashCliList(v.env, v.dir), [join(v.dir, 'sub dir', 'f é')]);
  const restore = runSync('trash-restore', [join(v.dir, 'sub dir', 'f é')], { env: v.env, input: '0\n' });
  assert.equal(restore.status, 0, restore.stderr);
  assert.equal(readFileSync(join(v.dir, 'sub dir', 'f é'), 'utf8'), 'data');
  assert.equal(existsSync(join(trashDir, 'info', `${item.name}.trashinfo`)), false);
  // The mount point itself cannot be renamed, and is never copied away instead.
  assert.throws(() => v.trash.put(v.top), /refusing to trash .*: it is a mount point/);
  assert.equal(readFileSync(join(v.dir, 'sub dir', 'f é'), 'utf8'), 'data');
});

test('$topdir/.Trash/$uid is used when .Trash is a sticky directory; a non-sticky or symlinked .Trash is not', (t) => {
  const v = volume(t, true);
  if (!v) return;
  const shared = join(v.top, '.Trash');
  mkdirSync(shared);
  chmodSync(shared, 0o777); // not sticky
  writeFileSync(join(v.dir, 'a'), 'a');
  assert.equal(v.trash.put(join(v.dir, 'a')).trashDir, join(v.top, `.Trash-${uid}`));

  chmodSync(shared, 0o1777);
  writeFileSync(join(v.dir, 'b'), 'b');
  assert.equal(v.trash.put(join(v.dir, 'b')).trashDir, join(shared, String(uid)));
  assert.match(readFileSync(join(shared, String(uid), 'info', 'b.trashinfo'), 'utf8'), /\nPath=[^/]/);
  assert.deepEqual(trashCliList(v.env, v.dir), [join(v.dir, 'a'), join(v.dir, 'b')]);
  assert.deepEqual(
    v.trash
      .list()
      .filter((i) => i.path.startsWith(v.dir))
      .map((i) => i.path),
    [join(v.dir, 'a'), join(v.dir, 'b')],
  );
});

test('a symlinked .Trash is never used, even pointing at a sticky directory', (t) => {
  const v = volume(t, true);
  if (!v) return;
  mkdirSync(join(v.top, 'elsewhere'), { mode: 0o1777 });
  chmodSync(join(v.top, 'elsewhere'), 0o1777);
  symlinkSync('elsewhere', join(v.top, '.Trash'));
  writeFileSync(join(v.dir, 'c'), 'c');
  assert.equal(v.trash.put(join(v.dir, 'c')).trashDir, join(v.top, `.Trash-${uid}`));
  assert.deepEqual(readdirSync(join(v.top, 'elsewhere')), []);
});

test('no usable volume trash: the home trash takes a verified copy, with an absolute Path=', (t) => {
  const v = volume(t, true);
  if (!v) return;
  writeFileSync(join(v.top, `.Trash-${uid}`), 'not a directory');
  mkdirSync(join(v.dir, 'tree/deep'), { recursive: true });
  writeFileSync(join(v.dir, 'tree/deep/f'), Buffer.alloc(300_000, 7));
  symlinkSync('deep/f', join(v.dir, 'tree/link'));
  const item = v.trash.put(join(v.dir, 'tree'));
  assert.equal(item.trashDir, v.homeTrash);
  assert.equal(existsSync(join(v.dir, 'tree')), false);
  assert.deepEqual(readFileSync(join(v.homeTrash, 'files/tree/deep/f')), Buffer.alloc(300_000, 7));
  assert.match(
    readFileSync(join(v.homeTrash, 'info/tree.trashinfo'), 'utf8'),
    new RegExp(`\nPath=${encodeTrashPath(join(v.dir, 'tree')).replace(/[.%]/g, '\\$&')}\n`),
  );
  assert.equal(readdirSync(v.homeTrash).includes('directorysizes'), true);
  // And back across filesystems: copied, compared, then removed from the trash.
  v.trash.restore(join(v.dir, 'tree'));
  assert.deepEqual(readFileSync(join(v.dir, 'tree/deep/f')), Buffer.alloc(300_000, 7));
  assert.equal(readFileSync(join(v.dir, 'tree/link'), 'utf8').length, 300_000);
  assert.deepEqual(readdirSync(join(v.homeTrash, 'files')), []);
  assert.deepEqual(
    readdirSync(v.dir).filter((n) => n.includes('tswatch-copy')),
    [],
  );
});

test('what trash-put put in a volume trash, tswatch lists and restores (--to across filesystems too)', (t) => {
  const v = volume(t);
  if (!v) return;
  writeFileSync(join(v.dir, 'x y'), 'from trash-cli');
  writeFileSync(join(v.dir, 'z'), 'z');
  const put = runSync('trash-put', [join(v.dir, 'x y'), join(v.dir, 'z')], { env: v.env });
  assert.equal(put.status, 0, put.stderr);
  assert.equal(existsSync(join(v.top, `.Trash-${uid}`, 'files', 'x y')), true);
  const listed = v.trash.list().filter((i) => i.path.startsWith(v.dir));
  assert.deepEqual(
    listed.map((i) => [i.path, i.size]),
    [
      [join(v.dir, 'x y'), 14],
      [join(v.dir, 'z'), 1],
    ],
  );
  v.trash.restore(join(v.dir, 'x y'));
  assert.equal(readFileSync(join(v.dir, 'x y'), 'utf8'), 'from trash-cli');
  v.trash.restore(join(v.dir, 'z'), { to: v.work });
  assert.equal(readFileSync(join(v.work, 'z'), 'utf8'), 'z');
  assert.deepEqual(trashCliList(v.env, v.dir), []);
});

test('a read-only filesystem: nothing is copied anywhere, and trash rm says what rm says', (t) => {
  const v = volume(t, true);
  if (!v) return;
  writeFileSync(join(v.dir, 'kept'), 'kept');
  runSync('mount', ['-o', 'remount,ro', v.top]);
  t.after(() => runSync('mount', ['-o', 'remount,rw', v.top]));
  assert.throws(
    () => v.trash.put(join(v.dir, 'kept')),
    (err: TswatchError) => err.code === 'EROFS' && /Read-only file system/.test(err.message),
  );
  assert.equal(existsSync(join(v.homeTrash, 'files')) && readdirSync(join(v.homeTrash, 'files')).length > 0, false);
  const rm = runSync('rm', ['kept'], { cwd: v.dir, env: { LC_ALL: 'C.UTF-8' } });
  const ours = tswatchSync(['trash', 'rm', 'kept'], { cwd: v.dir, env: v.env });
  assert.equal(rm.stderr, "rm: cannot remove 'kept': Read-only file system\n");
  assert.deepEqual([ours.status, ours.stderr], [rm.status, rm.stderr]);
  assert.equal(readFileSync(join(v.dir, 'kept'), 'utf8'), 'kept');
});

test("names that are not UTF-8 across filesystems: the volume trash (relative Path=) and the home trash's verified copy keep every byte", (t) => {
  const v = volume(t, true);
  if (!v) return;
  const a = rawName(v.dir, 'a', 0xff);
  writeFileSync(a, 'a');
  const put = tswatchRaw(['trash', 'put', a], { env: v.env });
  assert.equal(put.status, 0, put.stderr.toString());
  const volumeTrash = join(v.top, `.Trash-${uid}`);
  assert.deepEqual(readdirSync(join(volumeTrash, 'files'), { encoding: 'buffer' }), [Buffer.from('a\xff', 'latin1')]);
  const info = readFileSync(rawName(join(volumeTrash, 'info'), 'a', 0xff, ...Buffer.from('.trashinfo')), 'utf8');
  const dir = relative(v.top, v.dir);
  assert.equal(
    info.split('\n')[1],
    `Path=${dir === '' ? '' : `${encodeTrashPath(dir)}/`}a%FF`,
    'relative to the top directory, the byte as %FF',
  );
  assert.equal(tswatchRaw(['trash', 'restore', a], { env: v.env }).status, 0);
  assert.equal(readFileSync(a, 'utf8'), 'a');

  // No usable volume trash: a tree whose names are not UTF-8 is copied to the home trash, compared, and back.
  rmSync(volumeTrash, { recursive: true });
  writeFileSync(volumeTrash, 'not a directory');
  const tree = rawName(v.dir, 'tree', 0xf0);
  const inTree = (...parts: string[]): Buffer => Buffer.concat([tree, ...parts.map((p) => Buffer.from(`/${p}`, 'latin1'))]);
  mkdirSync(inTree('sub\xf3'), { recursive: true });
  writeFileSync(inTree('f\xf1'), Buffer.alloc(300_000, 7));
  writeFileSync(inTree('sub\xf3', 'g\xf4'), 'g');
  symlinkSync(Buffer.from('f\xf1', 'latin1'), inTree('l\xf2'));
  const walk = (dir: Buffer, prefix: string): string[] =>
    readdirSync(dir, { encoding: 'buffer', withFileTypes: true }).flatMap((e) => {
      const name = `${prefix}${e.name.toString('latin1')}`;
      return e.isDirectory() ? [`${name}/`, ...walk(Buffer.concat([dir, Buffer.from('/'), e.name]), `${name}/`)] : [name];
    });
  const names = (): string[] => walk(tree, '').sort();
  const before = names();
  const copied = tswatchRaw(['trash', 'put', tree], { env: v.env });
  assert.equal(copied.stderr.toString(), '');
  assert.equal(copied.status, 0);
  assert.equal(existsSync(tree), false);
  const inHome = rawName(join(v.homeTrash, 'files'), 'tree', 0xf0);
  assert.deepEqual(readFileSync(Buffer.concat([inHome, Buffer.from('/f\xf1', 'latin1')])), Buffer.alloc(300_000, 7));
  assert.deepEqual(
    readlinkSync(Buffer.concat([inHome, Buffer.from('/l\xf2', 'latin1')]), { encoding: 'buffer' }),
    Buffer.from('f\xf1', 'latin1'),
  );
  const back = tswatchRaw(['trash', 'restore', tree], { env: v.env });
  assert.equal(back.status, 0, back.stderr.toString());
  assert.deepEqual(names(), before);
  assert.equal(readFileSync(inTree('sub\xf3', 'g\xf4'), 'utf8'), 'g');
  assert.deepEqual(readdirSync(join(v.homeTrash, 'files')), []);
});
