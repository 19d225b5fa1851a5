/** The whole pipeline on the real kernel: native inotify → system processing → handlers. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  ALL_EVENTS,
  type Event,
  IN_ACCESS,
  IN_CLOSE_NOWRITE,
  IN_CREATE,
  IN_DELETE,
  IN_DELETE_SELF,
  IN_IGNORED,
  IN_ISDIR,
  IN_MOVED_FROM,
  IN_MOVED_TO,
  IN_OPEN,
  IN_Q_OVERFLOW,
  Notifier,
  PathError,
  WatchManager,
} from '../src/index.js';
import { collect, countBy } from './helpers/collect.js';
import { tmpDir } from './helpers/tmp-dir.js';
import { waitFor } from './helpers/wait-for.js';

const isCreate = (e: { mask: number; name: string }) => (e.mask & IN_CREATE) !== 0 && !e.name.startsWith('.settle-');

function assertExactlyOnce(counts: Map<string, number>, expected: string[]): void {
  const doubled = [...counts].filter(([, n]) => n > 1);
  assert.deepEqual(doubled, [], 'no create may be reported twice');
  const missing = expected.filter((p) => !counts.has(p));
  assert.deepEqual(missing, [], 'no create may be lost');
  assert.equal(counts.size, expected.length);
}

test('the default backend is real inotify', () => {
  assert.equal(new WatchManager().backend.name, 'inotify');
});

test('a burst of new subtrees: every directory and file reported exactly once', async () => {
  const root = tmpDir();
  const w = collect(root, IN_CREATE, { rec: true, autoAdd: true });
  const n = 300;
  execFileSync('bash', ['-c', `cd "$1" && for i in $(seq 1 ${n}); do mkdir -p a$i/b/c && touch a$i/b/c/f; done`, '_', root]);
  const expected = Array.from({ length: n }, (_, i) => ['', '/b', '/b/c', '/b/c/f'].map((s) => join(root, `a${i + 1}${s}`))).flat();
  await w.until(isCreate, expected.length, 'creates');
  await w.settle(root);
  assertExactlyOnce(countBy(w.events, isCreate), expected);
});

test('cp -r and tar x of a tree: exactly once, nested contents included', async () => {
  const src = tmpDir();
  for (let i = 0; i < 20; i++) {
    mkdirSync(join(src, `d${i}/e/f`), { recursive: true });
    for (let j = 0; j < 5; j++) writeFileSync(join(src, `d${i}/e/f/x${j}`), 'x');
  }
  const entries = execFileSync('find', ['.', '-mindepth', '1'], { cwd: src, encoding: 'utf8' }).trim().split('\n');
  const archive = join(tmpDir(), 'tree.tar');
  execFileSync('tar', ['cf', archive, '-C', src, '.']);
  const root = tmpDir();
  mkdirSync(join(root, 'cp'));
  mkdirSync(join(root, 'tar'));
  const w = collect(root, IN_CREATE, { rec: true, autoAdd: true });
  execFileSync('cp', ['-r', `${src}/.`, join(root, 'cp')]);
  execFileSync('tar', ['xf', archive, '-C', join(root, 'tar')]);
  const expected = ['cp', 'tar'].flatMap((d) => entries.map((e) => join(root, d, e.slice(2))));
  await w.until(isCreate, expected.length, 'creates');
  await w.settle(root);
  assertExactlyOnce(countBy(w.events, isCreate), expected);
});

test('renames come paired with src_pathname, and a directory rename re-homes the watches below it', async () => {
  const root = tmpDir();
  mkdirSync(join(root, 'old/deep'), { recursive: true });
  const w = collect(root, IN_CREATE | IN_MOVED_FROM | IN_MOVED_TO, { rec: true, autoAdd: true });
  writeFileSync(join(root, 'file'), '');
  renameSync(join(root, 'file'), join(root, 'old/moved'));
  renameSync(join(root, 'old'), join(root, 'new'));
  writeFileSync(join(root, 'new/deep/after'), '');
  await w.until((e) => e.name === 'after');
  const to = w.events.filter((e) => e.mask & IN_MOVED_TO);
  assert.deepEqual(
    to.map((e) => [e.src_pathname, e.pathname]),
    [
      [join(root, 'file'), join(root, 'old/moved')],
      [join(root, 'old'), join(root, 'new')],
    ],
  );
  assert.equal(w.events.at(-1)!.pathname, join(root, 'new/deep/after'));
  assert.equal(w.wm.getWd(join(root, 'old/deep')), undefined);
  assert.ok(w.wm.getWd(join(root, 'new/deep')) !== undefined);
});

test('a tree moved out is no longer watched; a tree moved in is watched and its contents reported', async () => {
  const root = tmpDir();
  const outside = tmpDir();
  mkdirSync(join(root, 'leaving/sub'), { recursive: true });
  mkdirSync(join(outside, 'arriving/sub'), { recursive: true });
  writeFileSync(join(outside, 'arriving/sub/f'), '');
  const w = collect(root, ALL_EVENTS, { rec: true, autoAdd: true });
  const leavingWd = w.wm.getWd(join(root, 'leaving/sub'))!;
  renameSync(join(root, 'leaving'), join(outside, 'left'));
  renameSync(join(outside, 'arriving'), join(root, 'arrived'));
  await w.until((e) => e.pathname === join(root, 'arrived/sub/f'));
  await w.settle(root);
  await w.settle(root); // a second batch: an unpaired IN_MOVED_FROM is settled by then
  assert.equal(w.wm.watch(leavingWd), undefined);
  const movedIn = w.events.find((e) => e.mask & IN_MOVED_TO)!;
  assert.equal(movedIn.src_pathname, undefined);
  const created = w.events.filter(isCreate).map((e) => [e.pathname, e.synthetic]);
  assert.deepEqual(created, [
    [join(root, 'arrived/sub'), true],
    [join(root, 'arrived/sub/f'), true],
  ]);
  writeFileSync(join(outside, 'left/sub/ignored'), '');
  writeFileSync(join(root, 'arrived/sub/g'), '');
  await w.until((e) => e.name === 'g');
  assert.equal(w.events.filter((e) => e.name === 'ignored').length, 0);
});

test('queue overflow: IN_Q_OVERFLOW is dispatched and a rescan recovers every missed create, once', async () => {
  const root = tmpDir();
  const max = Number(readFileSync('/proc/sys/fs/inotify/max_queued_events', 'utf8'));
  const wm = new WatchManager();
  wm.addWatch(root, ALL_EVENTS, { quiet: false });
  // The reader is not started yet: the kernel queue takes the whole burst and overflows.
  const n = Math.ceil(max / 3) + 500; // each file: IN_CREATE, IN_OPEN, IN_MODIFY, IN_CLOSE_WRITE
  for (let i = 0; i < n; i++) writeFileSync(join(root, `f${i}`), 'x');
  const events: Event[] = [];
  const notifier = new Notifier(wm, (e) => void events.push(e)).start();
  try {
    const expected = Array.from({ length: n }, (_, i) => join(root, `f${i}`));
    await waitFor(() => countBy(events, isCreate).size >= n, `${n} creates`, 30_000);
    writeFileSync(join(root, '.settle-overflow'), '');
    await waitFor(() => events.some((e) => e.name === '.settle-overflow'), 'marker', 30_000);
    assert.equal(events.filter((e) => e.mask & IN_Q_OVERFLOW).length, 1);
    assert.ok(
      events.some((e) => isCreate(e) && e.synthetic),
      'recovered creates are flagged synthetic',
    );
    assertExactlyOnce(countBy(events, isCreate), expected);
  } finally {
    notifier.stop();
  }
});

test('deleting a watched root is reported (IN_DELETE_SELF, IN_IGNORED) and drops the watch', async () => {
  const root = tmpDir();
  const dir = join(root, 'gone');
  mkdirSync(dir);
  const w = collect(dir, IN_DELETE | IN_DELETE_SELF);
  rmdirSync(dir);
  await w.until((e) => (e.mask & IN_IGNORED) !== 0);
  assert.deepEqual(
    w.events.map((e) => e.maskname),
    ['IN_DELETE_SELF', 'IN_IGNORED'],
  );
  // The kernel sets no IN_ISDIR on IN_DELETE_SELF; `dir` comes from the watch, as in pyinotify.
  assert.deepEqual(
    w.events.map((e) => e.dir),
    [true, false],
  );
  assert.equal(w.wm.size, 0);
});

test("tswatch's own directory scans never reach the user; the user's reads do", async () => {
  const root = tmpDir();
  mkdirSync(join(root, 'old/deeper'), { recursive: true });
  // Watching with every event: the initial scan reads root, old and old/deeper.
  const w = collect(root, ALL_EVENTS, { rec: true, autoAdd: true });
  // New directories are scanned too (auto-add), and their parent's watch sees that read.
  mkdirSync(join(root, 'new/inner'), { recursive: true });
  await w.until((e) => e.name === 'inner');
  await w.settle(root);
  const dirReads = (events: readonly Event[]) =>
    events.filter((e) => e.dir && e.mask & (IN_OPEN | IN_ACCESS | IN_CLOSE_NOWRITE)).map((e) => `${e.maskname} ${e.pathname}`);
  assert.deepEqual(dirReads(w.events), [], "no open/read/close of a directory happened but tswatch's own");
  // coreutils' `mkdir -p` opens each new directory (never reads one): its opens are the user's, but no
  // read (IN_ACCESS) of a directory may show, since only tswatch read any.
  execFileSync('mkdir', ['-p', join(root, 'p/q/r')]);
  await w.until((e) => e.name === 'r');
  await w.settle(root);
  assert.deepEqual(
    dirReads(w.events).filter((r) => r.startsWith('IN_ACCESS')),
    [],
  );
  // A read by the user is reported, once, on the directory's watch and its parent's.
  readdirSync(join(root, 'old'));
  await w.settle(root);
  const old = join(root, 'old');
  const reads = dirReads(w.events).filter((r) => r.endsWith(` ${old}`));
  assert.deepEqual(
    reads.filter((r) => r.startsWith('IN_OPEN')),
    [`IN_OPEN|IN_ISDIR ${old}`, `IN_OPEN|IN_ISDIR ${old}`],
  );
  assert.deepEqual(
    reads.filter((r) => r.startsWith('IN_CLOSE_NOWRITE')),
    [`IN_CLOSE_NOWRITE|IN_ISDIR ${old}`, `IN_CLOSE_NOWRITE|IN_ISDIR ${old}`],
  );
});

test('a throwing handler does not stop delivery', async () => {
  const root = tmpDir();
  const wm = new WatchManager();
  wm.addWatch(root, IN_CREATE);
  const seen: string[] = [];
  const errors: string[] = [];
  const notifier = new Notifier(wm, (e) => {
    if (e.name === 'bad') throw new Error('handler failed');
    seen.push(e.name);
  });
  notifier.on('error', (err: Error, event: { name: string }) => errors.push(`${err.message}: ${event.name}`));
  notifier.start();
  try {
    writeFileSync(join(root, 'bad'), '');
    writeFileSync(join(root, 'good'), '');
    await waitFor(() => seen.includes('good'), 'good');
    assert.deepEqual(errors, ['handler failed: bad']);
  } finally {
    notifier.stop();
  }
});

test('bad paths: quiet gives a negative wd and the error, otherwise a PathError naming the path', () => {
  const wm = new WatchManager();
  try {
    const missing = join(tmpDir(), 'missing');
    const result = wm.addWatch(missing, ALL_EVENTS);
    assert.ok(result[missing]! < 0);
    assert.equal(wm.errors.get(missing)?.code, 'ENOENT');
    assert.throws(
      () => wm.addWatch(missing, ALL_EVENTS, { quiet: false }),
      (err: unknown) => err instanceof PathError && err.code === 'ENOENT' && err.message.includes(missing),
    );
  } finally {
    wm.close();
  }
});

test('isdir flag and pyinotify repr on real events', async () => {
  const root = tmpDir();
  const w = collect(root, IN_CREATE);
  mkdirSync(join(root, 'sub'));
  await w.until((e) => e.name === 'sub');
  const e = w.events[0]!;
  assert.equal(e.mask, IN_CREATE | IN_ISDIR);
  assert.equal(
    String(e),
    `<Event dir=True mask=0x40000100 maskname=IN_CREATE|IN_ISDIR name=sub path=${root} pathname=${root}/sub wd=${e.wd} >`,
  );
});

test('a subdirectory removed with rm -r: its IN_DELETE_SELF and IN_IGNORED are dispatched, as pyinotify does', async () => {
  const root = tmpDir();
  mkdirSync(join(root, 'sub'));
  const w = collect(root, IN_DELETE | IN_DELETE_SELF | IN_CREATE, { rec: true, autoAdd: true });
  const sub = join(root, 'sub');
  execFileSync('rm', ['-r', sub]);
  await w.until((e) => e.mask === (IN_DELETE | IN_ISDIR) && e.name === 'sub');
  await w.until((e) => (e.mask & IN_IGNORED) !== 0 && e.path === sub);
  assert.ok(w.events.some((e) => e.mask === IN_DELETE_SELF && e.path === sub && e.dir));
});
