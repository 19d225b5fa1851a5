/**
 * tswatch/chokidar's events, on the real kernel and on the poll backend: the behaviours chokidar's own
 * suite checks (initial scan, add/change/unlink, directories, renames, the watched path itself).
 */
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { FSWatcher, watch } from '../../../facades/chokidar/index.js';
import { tmpDir } from '../../helpers/tmp-dir.js';
import { count, MODES, record } from './record.js';

function fixture(): string {
  const dir = tmpDir('tswatch-chokidar-');
  writeFileSync(join(dir, 'change.txt'), 'b');
  writeFileSync(join(dir, 'unlink.txt'), 'b');
  return dir;
}

for (const { name, options } of MODES) {
  describe(`chokidar facade (${name})`, () => {
    test('the initial scan reports the tree, then ready, once; getWatched lists it', async () => {
      const dir = fixture();
      mkdirSync(join(dir, 'sub/deeper'), { recursive: true });
      const rec = record(dir, options);
      let readies = 0;
      rec.watcher.on('ready', () => readies++);
      await rec.ready;
      assert.deepEqual(rec.lines().sort(), [
        `add ${dir}/change.txt`,
        `add ${dir}/unlink.txt`,
        `addDir ${dir}`,
        `addDir ${dir}/sub`,
        `addDir ${dir}/sub/deeper`,
      ]);
      assert.ok(rec.watcher instanceof FSWatcher);
      const watched = rec.watcher.getWatched();
      assert.deepEqual(watched[dir], ['change.txt', 'sub', 'unlink.txt']);
      assert.deepEqual(watched[`${dir}/sub/deeper`], []);
      rec.watcher.add(join(dir, 'not-there'));
      writeFileSync(join(dir, 'fence.txt'), 'x');
      await rec.until('add', join(dir, 'fence.txt'));
      assert.equal(readies, 1, 'ready is emitted once, even after a later add()');
    });

    test('add, change, unlink, addDir, unlinkDir, with stats under alwaysStat', async () => {
      const dir = fixture();
      const rec = record(dir, { ...options, ignoreInitial: true, alwaysStat: true });
      await rec.ready;
      writeFileSync(join(dir, 'add.txt'), 'hello');
      await rec.until('add', join(dir, 'add.txt'));
      writeFileSync(join(dir, 'change.txt'), 'changed');
      await rec.until('change', join(dir, 'change.txt'));
      unlinkSync(join(dir, 'unlink.txt'));
      await rec.until('unlink', join(dir, 'unlink.txt'));
      mkdirSync(join(dir, 'sub'));
      await rec.until('addDir', join(dir, 'sub'));
      rmSync(join(dir, 'sub'), { recursive: true });
      await rec.until('unlinkDir', join(dir, 'sub'));
      for (const s of rec.seen) {
        if (s.event.startsWith('unlink')) assert.equal(s.stats, undefined, `${s.event} has no stats`);
        else assert.ok(s.stats, `${s.event} ${s.path} has stats`);
      }
      assert.equal(rec.seen.find((s) => s.event === 'add')!.stats!.size, 5);
    });

    test('a new file is one add, not also a change; writing a known file is one change', async () => {
      const dir = fixture();
      const rec = record(dir, { ...options, ignoreInitial: true });
      await rec.ready;
      writeFileSync(join(dir, 'new.txt'), 'hello');
      await rec.until('add', join(dir, 'new.txt'));
      writeFileSync(join(dir, 'change.txt'), 'changed once');
      await rec.until('change', join(dir, 'change.txt'));
      writeFileSync(join(dir, 'fence.txt'), 'x');
      await rec.until('add', join(dir, 'fence.txt'));
      assert.equal(count(rec, 'change', join(dir, 'new.txt')), 0);
      assert.equal(count(rec, 'change', join(dir, 'change.txt')), 1);
    });

    test('removing nested directories reports each; a file in a new directory is added', async () => {
      const dir = fixture();
      mkdirSync(join(dir, 'a/b/c'), { recursive: true });
      const rec = record(dir, { ...options, ignoreInitial: true });
      await rec.ready;
      rmSync(join(dir, 'a/b'), { recursive: true });
      await rec.until('unlinkDir', join(dir, 'a/b'));
      await rec.until('unlinkDir', join(dir, 'a/b/c'));
      mkdirSync(join(dir, 'n'));
      writeFileSync(join(dir, 'n/f.txt'), 'x');
      await rec.until('add', join(dir, 'n/f.txt'));
      assert.equal(count(rec, 'add', join(dir, 'n/f.txt')), 1);
    });

    test('a renamed file is unlink + add; a renamed directory re-adds what it holds', async () => {
      const dir = fixture();
      mkdirSync(join(dir, 'sub'));
      writeFileSync(join(dir, 'sub/in.txt'), 'x');
      const rec = record(dir, { ...options, ignoreInitial: true });
      await rec.ready;
      renameSync(join(dir, 'change.txt'), join(dir, 'moved.txt'));
      await rec.until('add', join(dir, 'moved.txt'));
      await rec.until('unlink', join(dir, 'change.txt'));
      renameSync(join(dir, 'sub'), join(dir, 'sub2'));
      await rec.until('add', join(dir, 'sub2/in.txt'));
      await rec.until('unlink', join(dir, 'sub/in.txt'));
      await rec.until('unlinkDir', join(dir, 'sub'));
      assert.equal(count(rec, 'addDir', join(dir, 'sub2')), 1);
    });

    test('a watched file: its siblings are not reported, a rename over it is a change', async () => {
      const dir = fixture();
      const file = join(dir, 'change.txt');
      const rec = record(file, options);
      await rec.ready;
      assert.deepEqual(rec.lines(), [`add ${file}`]);
      writeFileSync(join(dir, 'tmp.txt'), 'safe edit');
      // An editor saves later than the fixture was made: polling tells files apart by mtime.
      utimesSync(join(dir, 'tmp.txt'), new Date(), new Date(Date.now() + 5000));
      renameSync(join(dir, 'tmp.txt'), file);
      await rec.until('change', file);
      unlinkSync(file);
      await rec.until('unlink', file);
      writeFileSync(join(dir, 'sibling.txt'), 'x');
      writeFileSync(file, 'back');
      await rec.until('add', file, 2);
      assert.ok(
        rec.seen.every((s) => s.path === file),
        rec.lines().join(', '),
      );
    });

    test('paths that do not exist yet: a file, and a directory with what comes into it', async () => {
      const dir = fixture();
      const file = join(dir, 'later.txt');
      const sub = join(dir, 'later-dir');
      const rec = record([file, sub], options);
      await rec.ready;
      assert.deepEqual(rec.lines(), []);
      writeFileSync(file, 'x');
      await rec.until('add', file);
      mkdirSync(sub);
      await rec.until('addDir', sub);
      writeFileSync(join(sub, 'in.txt'), 'x');
      await rec.until('add', join(sub, 'in.txt'));
    });

    test('depth 0 reports the entries of the watched directory only', async () => {
      const dir = fixture();
      mkdirSync(join(dir, 'sub/subsub'), { recursive: true });
      writeFileSync(join(dir, 'sub/add.txt'), 'b');
      const rec = record(dir, { ...options, depth: 0 });
      await rec.ready;
      assert.deepEqual(rec.lines().sort(), [`add ${dir}/change.txt`, `add ${dir}/unlink.txt`, `addDir ${dir}`, `addDir ${dir}/sub`]);
      writeFileSync(join(dir, 'sub/add.txt'), 'changed');
      mkdirSync(join(dir, 'sub2'));
      await rec.until('addDir', join(dir, 'sub2'));
      assert.equal(count(rec, 'change', join(dir, 'sub/add.txt')), 0);
    });

    test('cwd: paths are relative to it, and so are ignored strings', async () => {
      const dir = fixture();
      writeFileSync(join(dir, 'ignored.txt'), 'x');
      const rec = record('.', { ...options, cwd: dir, ignored: ['ignored.txt'] });
      await rec.ready;
      assert.deepEqual(rec.lines().sort(), ['add change.txt', 'add unlink.txt', 'addDir ']);
      writeFileSync(join(dir, 'ignored.txt'), 'y');
      writeFileSync(join(dir, 'change.txt'), 'y');
      await rec.until('change', 'change.txt');
      assert.equal(count(rec, 'change', 'ignored.txt'), 0);
      assert.deepEqual(rec.watcher.getWatched()['.'], ['change.txt', 'unlink.txt']);
    });

    test('unwatch stops reporting a path and what is below it', async () => {
      const dir = fixture();
      mkdirSync(join(dir, 'sub'));
      const rec = record(dir, { ...options, ignoreInitial: true });
      await rec.ready;
      rec.watcher.unwatch([join(dir, 'sub'), join(dir, 'unlink.txt')]);
      writeFileSync(join(dir, 'sub/add.txt'), 'x');
      unlinkSync(join(dir, 'unlink.txt'));
      writeFileSync(join(dir, 'change.txt'), 'y');
      await rec.until('change', join(dir, 'change.txt'));
      writeFileSync(join(dir, 'fence.txt'), 'x');
      await rec.until('add', join(dir, 'fence.txt'));
      assert.deepEqual(rec.lines(), [`change ${dir}/change.txt`, `add ${dir}/fence.txt`]);
    });

    test('close: the same promise every time, nothing reported after it', async () => {
      const dir = fixture();
      const rec = record(dir, options);
      await rec.ready;
      const closing = rec.watcher.close();
      assert.ok(closing instanceof Promise);
      assert.equal(rec.watcher.close(), closing);
      await closing;
      const before = rec.seen.length;
      writeFileSync(join(dir, 'after.txt'), 'x');
      // A second watcher on the same tree still sees it: closing one leaves the others alone.
      const other = record(dir, { ...options, ignoreInitial: true });
      await other.ready;
      writeFileSync(join(dir, 'after2.txt'), 'x');
      await other.until('add', join(dir, 'after2.txt'));
      assert.equal(rec.seen.length, before);
    });
  });
}

test('a non-string path is a TypeError, thrown by watch()', () => {
  assert.throws(() => watch([['/tmp'], /x/] as unknown as string[]), { name: 'TypeError', message: /non-string/i });
});

test('CHOKIDAR_USEPOLLING and CHOKIDAR_INTERVAL override the options, as in chokidar', async () => {
  const dir = fixture();
  process.env.CHOKIDAR_USEPOLLING = 'true';
  process.env.CHOKIDAR_INTERVAL = '1500';
  try {
    const rec = record(dir, { usePolling: false, interval: 100 });
    assert.equal(rec.watcher.options.usePolling, true);
    assert.equal(rec.watcher.options.interval, 1500);
    process.env.CHOKIDAR_USEPOLLING = '0';
    assert.equal(record(dir, { usePolling: true }).watcher.options.usePolling, false);
    process.env.CHOKIDAR_USEPOLLING = 'foo';
    assert.equal(record(dir, { usePolling: true }).watcher.options.usePolling, true);
  } finally {
    delete process.env.CHOKIDAR_USEPOLLING;
    delete process.env.CHOKIDAR_INTERVAL;
  }
});
