/**
 * System processing driven by a fake backend: exact control over races and batch boundaries, with
 * directory scans on real temp dirs.
 */
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  ALL_EVENTS,
  type Event,
  IN_ACCESS,
  IN_ATTRIB,
  IN_CLOSE_NOWRITE,
  IN_CREATE,
  IN_DELETE,
  IN_IGNORED,
  IN_ISDIR,
  IN_MOVED_FROM,
  IN_MOVED_TO,
  IN_OPEN,
  IN_Q_OVERFLOW,
  Notifier,
  WatchManager,
} from '../src/index.js';
import { FakeBackend } from './helpers/fake-backend.js';
import { tmpDir } from './helpers/tmp-dir.js';

function setup(mask = ALL_EVENTS, tree: (root: string) => void = () => {}) {
  const root = tmpDir();
  tree(root);
  const backend = new FakeBackend();
  const wm = new WatchManager({ backend });
  const wdd = wm.addWatch(root, mask, { rec: true, autoAdd: true, quiet: false });
  const events: Event[] = [];
  const notifier = new Notifier(wm, (e) => void events.push(e)).start();
  const wd = (path: string): number => {
    const wd = wm.getWd(join(root, path));
    assert.ok(wd !== undefined, `no watch on ${path}`);
    return wd;
  };
  const seen = () => events.map((e) => `${e.maskname} ${e.pathname.slice(root.length + 1)}${e.synthetic ? ' *' : ''}`);
  return { root, backend, wm, wdd, events, notifier, wd, seen };
}

test('a new tree is reported exactly once: scan first, the late kernel events suppressed', () => {
  const { root, backend, wd, seen, events } = setup();
  mkdirSync(join(root, 'a/b/c'), { recursive: true });
  writeFileSync(join(root, 'a/b/c/f'), '');
  backend.emit({ wd: wd(''), mask: IN_CREATE | IN_ISDIR, name: 'a' });
  assert.deepEqual(seen(), ['IN_CREATE|IN_ISDIR a', 'IN_CREATE|IN_ISDIR a/b *', 'IN_CREATE|IN_ISDIR a/b/c *', 'IN_CREATE a/b/c/f *']);
  // The kernel's own events for what the scan already reported arrive later: none may double.
  backend.emit(
    { wd: wd('a'), mask: IN_CREATE | IN_ISDIR, name: 'b' },
    { wd: wd('a/b'), mask: IN_CREATE | IN_ISDIR, name: 'c' },
    { wd: wd('a/b/c'), mask: IN_CREATE, name: 'f' },
  );
  assert.equal(events.length, 4);
  writeFileSync(join(root, 'a/b/c/g'), '');
  backend.emit({ wd: wd('a/b/c'), mask: IN_CREATE, name: 'g' });
  assert.deepEqual(seen().slice(4), ['IN_CREATE a/b/c/g']);
});

test('a file deleted and re-created after the scan is reported again', () => {
  const { root, backend, wd, seen } = setup();
  mkdirSync(join(root, 'a'));
  writeFileSync(join(root, 'a/f'), '');
  backend.emit({ wd: wd(''), mask: IN_CREATE | IN_ISDIR, name: 'a' });
  backend.emit(
    { wd: wd('a'), mask: IN_CREATE, name: 'f' },
    { wd: wd('a'), mask: IN_DELETE, name: 'f' },
    { wd: wd('a'), mask: IN_CREATE, name: 'f' },
  );
  assert.deepEqual(seen(), ['IN_CREATE|IN_ISDIR a', 'IN_CREATE a/f *', 'IN_DELETE a/f', 'IN_CREATE a/f']);
});

test('moves pair by cookie across batches and re-home the whole subtree', () => {
  const { root, backend, wm, wd, events } = setup(ALL_EVENTS, (r) => mkdirSync(join(r, 'd/e'), { recursive: true }));
  const wdE = wd('d/e');
  renameSync(join(root, 'd'), join(root, 'n'));
  backend.emit({ wd: wd(''), mask: IN_MOVED_FROM | IN_ISDIR, cookie: 7, name: 'd' });
  backend.emit({ wd: wd(''), mask: IN_MOVED_TO | IN_ISDIR, cookie: 7, name: 'n' });
  const to = events.find((e) => e.mask & IN_MOVED_TO)!;
  assert.equal(to.src_pathname, join(root, 'd'));
  assert.equal(to.pathname, join(root, 'n'));
  assert.equal(wm.getPath(wdE), join(root, 'n/e'));
  backend.emit({ wd: wdE, mask: IN_CREATE, name: 'x' });
  assert.equal(events.at(-1)!.pathname, join(root, 'n/e/x'));
});

test('a directory moved out of the tree loses its watches; one moved in is watched and reported', () => {
  const { root, backend, wm, wd, seen } = setup(ALL_EVENTS, (r) => mkdirSync(join(r, 'out/sub'), { recursive: true }));
  const gone = [wd('out'), wd('out/sub')];
  backend.emit({ wd: wd(''), mask: IN_MOVED_FROM | IN_ISDIR, cookie: 3, name: 'out' });
  backend.emit({ wd: wd(''), mask: IN_ATTRIB | IN_ISDIR }); // any later batch: the pair never came
  for (const w of gone) assert.equal(wm.watch(w), undefined);

  const outside = tmpDir();
  mkdirSync(join(outside, 'in/deep'), { recursive: true });
  writeFileSync(join(outside, 'in/deep/f'), '');
  renameSync(join(outside, 'in'), join(root, 'in'));
  backend.emit({ wd: wd(''), mask: IN_MOVED_TO | IN_ISDIR, cookie: 4, name: 'in' });
  assert.deepEqual(seen().slice(-3), ['IN_MOVED_TO|IN_ISDIR in', 'IN_CREATE|IN_ISDIR in/deep *', 'IN_CREATE in/deep/f *']);
  assert.ok(wm.getWd(join(root, 'in/deep')) !== undefined);
});

test('queue overflow is dispatched, then a rescan delivers what was missed, once', () => {
  const { root, backend, wd, seen, events } = setup(ALL_EVENTS, (r) => writeFileSync(join(r, 'old'), ''));
  rmSync(join(root, 'old'));
  writeFileSync(join(root, 'new'), '');
  mkdirSync(join(root, 'dir'));
  writeFileSync(join(root, 'dir/inner'), '');
  backend.emit({ wd: -1, mask: IN_Q_OVERFLOW });
  assert.deepEqual(seen().slice(0, 2), ['IN_Q_OVERFLOW ', 'IN_DELETE old *']);
  // readdir order is the filesystem's; a directory still comes before what it holds.
  assert.deepEqual(seen().slice(2).sort(), ['IN_CREATE dir/inner *', 'IN_CREATE new *', 'IN_CREATE|IN_ISDIR dir *']);
  assert.ok(seen().indexOf('IN_CREATE|IN_ISDIR dir *') < seen().indexOf('IN_CREATE dir/inner *'));
  // Events the kernel queued after the overflow for the same changes are not repeated.
  backend.emit(
    { wd: wd(''), mask: IN_DELETE, name: 'old' },
    { wd: wd(''), mask: IN_CREATE, name: 'new' },
    { wd: wd('dir'), mask: IN_CREATE, name: 'inner' },
  );
  assert.equal(events.length, 5);
});

test("events outside the user's mask feed the bookkeeping but are not dispatched", () => {
  const { root, backend, wd, seen } = setup(IN_DELETE);
  writeFileSync(join(root, 'f'), '');
  backend.emit({ wd: wd(''), mask: IN_CREATE, name: 'f' });
  backend.emit({ wd: wd(''), mask: IN_DELETE, name: 'f' });
  assert.deepEqual(seen(), ['IN_DELETE f']);
});

test('IN_IGNORED is dispatched and drops the watch', () => {
  const { backend, wm, wd, seen } = setup();
  const root = wd('');
  backend.emit({ wd: root, mask: IN_IGNORED });
  assert.deepEqual(seen(), ['IN_IGNORED ']);
  assert.equal(wm.watch(root), undefined);
});

test('a handler that throws emits error with the event and delivery goes on', async () => {
  const root = tmpDir();
  const backend = new FakeBackend();
  const wm = new WatchManager({ backend });
  const wdd = wm.addWatch(root, ALL_EVENTS);
  const seen: string[] = [];
  const errors: Array<[Error, Event | undefined]> = [];
  const notifier = new Notifier(wm, (e) => {
    if (e.name === 'bad') throw new Error('boom');
    seen.push(e.name);
    return e.name === 'async-bad' ? Promise.reject(new Error('later')) : undefined;
  });
  notifier.on('error', (err: Error, event?: Event) => errors.push([err, event]));
  notifier.start();
  backend.emit(
    { wd: wdd[root]!, mask: IN_CREATE, name: 'bad' },
    { wd: wdd[root]!, mask: IN_CREATE, name: 'good' },
    { wd: wdd[root]!, mask: IN_CREATE, name: 'async-bad' },
  );
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(seen, ['good', 'async-bad']);
  assert.deepEqual(
    errors.map(([err, event]) => [err.message, event?.name]),
    [
      ['boom', 'bad'],
      ['later', 'async-bad'],
    ],
  );
});

test('for await yields events and breaking out stops the notifier', async () => {
  const root = tmpDir();
  const backend = new FakeBackend();
  const wm = new WatchManager({ backend });
  const wd = wm.addWatch(root, ALL_EVENTS)[root]!;
  const notifier = new Notifier(wm);
  const names: string[] = [];
  setImmediate(() => backend.emit({ wd, mask: IN_CREATE, name: 'one' }, { wd, mask: IN_CREATE, name: 'two' }));
  for await (const event of notifier) {
    names.push(event.name);
    if (names.length === 2) break;
  }
  assert.deepEqual(names, ['one', 'two']);
  assert.equal(notifier.running, false);
  assert.equal(backend.closed, true);
});

test('coalesceEvents drops identical events within a read', () => {
  const root = tmpDir();
  const backend = new FakeBackend();
  const wm = new WatchManager({ backend });
  const wd = wm.addWatch(root, ALL_EVENTS)[root]!;
  const names: string[] = [];
  const notifier = new Notifier(wm, (e) => void names.push(e.maskname), { coalesceEvents: true }).start();
  backend.emit({ wd, mask: 0x2, name: 'f' }, { wd, mask: 0x2, name: 'f' }, { wd, mask: 0x8, name: 'f' });
  assert.deepEqual(names, ['IN_MODIFY', 'IN_CLOSE_WRITE']);
  notifier.stop();
});

test("tswatch's read of a new directory is dropped; the user's opens of it, before and during, are not", () => {
  const { root, backend, wd, seen } = setup();
  mkdirSync(join(root, 'a'));
  // `mkdir -p a/b` opens a/ itself: the kernel queued that open and close with the IN_CREATE, before
  // tswatch watched a/ (so they have no twin on a/'s own watch).
  backend.emit(
    { wd: wd(''), mask: IN_CREATE | IN_ISDIR, name: 'a' },
    { wd: wd(''), mask: IN_OPEN | IN_ISDIR, name: 'a' },
    { wd: wd(''), mask: IN_CLOSE_NOWRITE | IN_ISDIR, name: 'a' },
  );
  // Then the echo of tswatch's scan of a/: each record on the parent's watch, then its twin on a/'s own.
  const echo = (mask: number) => [
    { wd: wd(''), mask: mask | IN_ISDIR, name: 'a' },
    { wd: wd('a'), mask: mask | IN_ISDIR, name: '' },
  ];
  backend.emit(...echo(IN_OPEN), ...echo(IN_ACCESS), ...echo(IN_ACCESS), ...echo(IN_CLOSE_NOWRITE));
  // A read by the user afterwards is the user's, on both watches.
  backend.emit(...echo(IN_OPEN), ...echo(IN_CLOSE_NOWRITE));
  assert.deepEqual(seen(), [
    'IN_CREATE|IN_ISDIR a',
    'IN_OPEN|IN_ISDIR a',
    'IN_CLOSE_NOWRITE|IN_ISDIR a',
    'IN_OPEN|IN_ISDIR a',
    'IN_OPEN|IN_ISDIR a',
    'IN_CLOSE_NOWRITE|IN_ISDIR a',
    'IN_CLOSE_NOWRITE|IN_ISDIR a',
  ]);
});

test('a directory deleted and made anew in one burst is watched and scanned anew: its new contents are reported after the delete', () => {
  const { root, backend, wd, seen, wm } = setup();
  // On disk, after `mkdir d; rm -r d; mkdir d; echo > d/f`: the second d, holding f.
  mkdirSync(join(root, 'd'));
  writeFileSync(join(root, 'd/f'), '');
  backend.emit(
    { wd: wd(''), mask: IN_CREATE | IN_ISDIR, name: 'd' },
    { wd: wd(''), mask: IN_DELETE | IN_ISDIR, name: 'd' },
    { wd: wd(''), mask: IN_CREATE | IN_ISDIR, name: 'd' },
  );
  // Whoever replays these in order (a backup) ends with d/f: it is reported again after the delete.
  assert.deepEqual(seen(), ['IN_CREATE|IN_ISDIR d', 'IN_CREATE d/f *', 'IN_DELETE|IN_ISDIR d', 'IN_CREATE|IN_ISDIR d', 'IN_CREATE d/f *']);
  assert.equal(wm.getPath(wd('d')), join(root, 'd'));
});

test('events inside a directory moved out of the tree are not delivered under a made-up path', () => {
  const { backend, wd, seen } = setup(ALL_EVENTS, (r) => mkdirSync(join(r, 'd')));
  const wdD = wd('d');
  backend.emit(
    { wd: wd(''), mask: IN_MOVED_FROM | IN_ISDIR, cookie: 9, name: 'd' },
    { wd: wdD, mask: IN_CREATE, name: 'late' }, // written into d after it left: outside the tree
  );
  assert.deepEqual(seen(), ['IN_MOVED_FROM|IN_ISDIR d']);
  assert.ok(seen().every((line) => !line.includes('\u0000')));
});

test('a new directory swapped for a symlink before it is watched: the link is never followed out of the tree', () => {
  const outside = tmpDir();
  writeFileSync(join(outside, 'secret'), '');
  const { root, backend, wd, seen, wm, notifier } = setup();
  const errors: Error[] = [];
  notifier.on('error', (err: Error) => errors.push(err));
  symlinkSync(outside, join(root, 'd')); // the IN_CREATE|IN_ISDIR was for a directory named d
  backend.emit({ wd: wd(''), mask: IN_CREATE | IN_ISDIR, name: 'd' });
  assert.deepEqual(seen(), ['IN_CREATE|IN_ISDIR d']);
  assert.equal(wm.getWd(join(root, 'd')), undefined);
  assert.deepEqual(errors, [], 'a directory gone by the time it is watched is no error');
});

test("tswatch's read of a new directory is dropped when a batch ends between a record and its twin, or an overflow follows it", () => {
  const { root, backend, wd, seen } = setup();
  mkdirSync(join(root, 'a'));
  mkdirSync(join(root, 'b'));
  backend.emit({ wd: wd(''), mask: IN_CREATE | IN_ISDIR, name: 'a' }, { wd: wd(''), mask: IN_CREATE | IN_ISDIR, name: 'b' });
  const parent = (mask: number, name: string) => ({ wd: wd(''), mask: mask | IN_ISDIR, name });
  const own = (mask: number, name: string) => ({ wd: wd(name), mask: mask | IN_ISDIR, name: '' });
  // a/'s echo, the read() that carried it ending right after the parent's record: its twin opens the next batch.
  backend.emit(parent(IN_OPEN, 'a'));
  backend.emit(own(IN_OPEN, 'a'), parent(IN_CLOSE_NOWRITE, 'a'), own(IN_CLOSE_NOWRITE, 'a'));
  // b/'s echo, cut short by a queue overflow: the kernel queued the overflow where the twin would be.
  backend.emit(parent(IN_OPEN, 'b'), { wd: -1, mask: IN_Q_OVERFLOW, name: '' });
  assert.deepEqual(
    seen().filter((line) => !line.startsWith('IN_CREATE')),
    ['IN_Q_OVERFLOW '],
  );
});
