import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmdirSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FanotifyBackend } from '../../src/backends/fanotify.js';
import { fanotifyProblem } from '../../src/backends/fanotify-support.js';
import { InotifyBackend } from '../../src/backends/inotify.js';
import {
  type Backend,
  type Event,
  IN_ATTRIB,
  IN_CLOSE_WRITE,
  IN_CREATE,
  IN_DELETE,
  IN_ISDIR,
  IN_MODIFY,
  IN_MOVED_FROM,
  IN_MOVED_TO,
  IN_Q_OVERFLOW,
  type RawEvent,
  Notifier,
  WatchManager,
} from '../../src/index.js';
import { spawnTswatch } from '../helpers/spawn-cli.js';
import { noTestUser, spawnTswatchAsTestUser, testUserDir } from '../helpers/test-user.js';
import { tmpDir } from '../helpers/tmp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const TIMEOUT = 20_000;
const skip = fanotifyProblem()?.reason;

/** A recursive watch of `root` through the core, its events, and a way to know everything was seen. */
function watchTree(t: { after(fn: () => void): void }, backend: Backend, root: string, mask = 0xfff) {
  const wm = new WatchManager({ backend });
  const events: Event[] = [];
  const notifier = new Notifier(wm, (e) => void events.push(e));
  notifier.on('error', (err: Error) => assert.fail(err));
  wm.addWatch(root, mask, { rec: true, autoAdd: true, quiet: false });
  notifier.start();
  t.after(() => notifier.stop());
  const find = (mask: number, pathname: string) => events.find((e) => (e.mask & ~IN_ISDIR) === mask && e.pathname === pathname);
  const show = () => events.map((e) => `${e.maskname} ${e.pathname}`).join('\n  ');
  return {
    wm,
    events,
    find,
    until: async (mask: number, pathname: string): Promise<Event> =>
      (await waitFor(
        () => find(mask, pathname),
        () => `${e(mask)} ${pathname}; have:\n  ${show()}`,
        TIMEOUT,
      ))!,
    /** Everything done before this call has been reported once a marker made now is seen. */
    async settle(dir = root): Promise<void> {
      const marker = join(dir, `.settle-${process.hrtime.bigint()}`);
      writeFileSync(marker, '');
      await waitFor(
        () => find(IN_CREATE, marker),
        () => `marker ${marker}; have:\n  ${show()}`,
        TIMEOUT,
      );
    },
  };
}
const e = (mask: number) => `0x${mask.toString(16)}`;

test('fanotify: activity elsewhere on the same filesystem never leaves native code', { skip }, async (t) => {
  const parent = tmpDir();
  const watched = join(parent, 'watched');
  const elsewhere = join(parent, 'elsewhere');
  mkdirSync(watched);
  mkdirSync(elsewhere);
  const backend = new FanotifyBackend();
  t.after(() => backend.close());
  const wd = backend.addWatch(watched, 0xfff);
  const raw: RawEvent[] = [];
  backend.start(
    (batch) => raw.push(...batch),
    (err) => assert.fail(err),
  );
  for (let i = 0; i < 300; i++) writeFileSync(join(elsewhere, `f${i}`), 'x');
  mkdirSync(join(elsewhere, 'd'));
  renameSync(join(elsewhere, 'f0'), join(elsewhere, 'd', 'g'));
  writeFileSync(join(watched, 'marker'), '');
  await waitFor(() => raw.some((r) => r.mask & IN_CREATE && r.name === 'marker'), 'the marker', TIMEOUT);
  assert.deepEqual(
    raw.filter((r) => r.wd !== wd || r.name !== 'marker').map((r) => `${r.wd} ${e(r.mask)} ${r.name}`),
    [],
    'only the watched tree reached JavaScript',
  );
});

test('fanotify: a rename across watched directories is one paired move', { skip }, async (t) => {
  const root = tmpDir();
  mkdirSync(join(root, 'x'));
  mkdirSync(join(root, 'y'));
  writeFileSync(join(root, 'x', 'f'), '');
  const w = watchTree(t, new FanotifyBackend(), root);
  renameSync(join(root, 'x', 'f'), join(root, 'y', 'g'));
  const to = await w.until(IN_MOVED_TO, join(root, 'y', 'g'));
  const from = w.find(IN_MOVED_FROM, join(root, 'x', 'f'))!;
  assert.ok(from, 'IN_MOVED_FROM in x');
  assert.equal(to.cookie, from.cookie);
  assert.notEqual(to.cookie, 0);
  assert.equal(to.src_pathname, join(root, 'x', 'f'));
});

test('fanotify: a directory moved in from outside is watched, one moved out is not', { skip }, async (t) => {
  const parent = tmpDir();
  const root = join(parent, 'root');
  const outside = join(parent, 'outside');
  mkdirSync(join(root, 'leaving'), { recursive: true });
  mkdirSync(join(outside, 'coming', 'deep'), { recursive: true });
  writeFileSync(join(outside, 'coming', 'deep', 'old'), '');
  const w = watchTree(t, new FanotifyBackend(), root);

  // Outside in: reported as it arrived (no source), and what happens inside it from now on is seen.
  renameSync(join(outside, 'coming'), join(root, 'coming'));
  const came = await w.until(IN_MOVED_TO, join(root, 'coming'));
  assert.equal(came.src_pathname, undefined);
  await w.until(IN_CREATE, join(root, 'coming', 'deep', 'old')); // what it held, from the scan
  writeFileSync(join(root, 'coming', 'deep', 'new'), '');
  await w.until(IN_CREATE, join(root, 'coming', 'deep', 'new'));

  // Inside out: reported as it left, and nothing done in it afterwards reaches the handler.
  renameSync(join(root, 'leaving'), join(outside, 'leaving'));
  await w.until(IN_MOVED_FROM, join(root, 'leaving'));
  // No watch at or below it (met by an event, or never: the tree is learnt lazily).
  const leaving = join(root, 'leaving');
  await waitFor(
    () => [...w.wm.watches()].every((x) => x.path !== leaving && !x.path.startsWith(`${leaving}/`)),
    'the watch on leaving to end',
    TIMEOUT,
  );
  writeFileSync(join(outside, 'leaving', 'after'), '');
  await w.settle();
  assert.deepEqual(
    w.events.filter((ev) => ev.pathname.includes('after') || ev.pathname.startsWith(outside)).map((ev) => `${ev.maskname} ${ev.pathname}`),
    [],
  );
});

test('fanotify: what is done in a new subtree before its watches are armed is not lost', { skip }, async (t) => {
  const root = tmpDir();
  const w = watchTree(t, new FanotifyBackend(), root);
  // All before tswatch can read a single event (this thread runs it): with inotify, the new directories
  // have no watch yet, so only their scan reports the file, and its writes and chmod are gone.
  mkdirSync(join(root, 'n', 'a', 'b'), { recursive: true });
  const f = join(root, 'n', 'a', 'b', 'f');
  writeFileSync(f, 'x');
  appendFileSync(f, 'y');
  chmodSync(f, 0o600);
  renameSync(f, join(root, 'n', 'g'));
  for (const mask of [IN_MODIFY, IN_CLOSE_WRITE, IN_ATTRIB]) await w.until(mask, f);
  const moved = await w.until(IN_MOVED_TO, join(root, 'n', 'g'));
  assert.equal(moved.src_pathname, f);
  await w.settle(join(root, 'n', 'a', 'b'));
  assert.equal(w.events.filter((ev) => ev.mask & IN_CREATE && ev.pathname === f).length, 1, 'created once');
});

test('fanotify: events name the process that wrote, and inotify events name none', { skip }, async (t) => {
  const root = tmpDir();
  const fan = watchTree(t, new FanotifyBackend(), root, IN_CREATE);
  const ino = watchTree(t, new InotifyBackend(), root, IN_CREATE);
  const file = join(root, 'written');
  // A writer that stays alive, so /proc still describes it when the event is read.
  const child = spawn(process.execPath, ['-e', `require('fs').writeFileSync(${JSON.stringify(file)}, 'x'); setTimeout(() => {}, 60000)`], {
    stdio: 'ignore',
  });
  t.after(() => child.kill('SIGKILL'));
  const event = await fan.until(IN_CREATE, file);
  assert.equal(event.pid, child.pid);
  assert.equal(event.uid, process.getuid!());
  assert.equal(event.comm, 'node');
  assert.equal(event.exe, realpathSync(process.execPath));
  assert.equal(event.toJSON().pid, child.pid);
  const plain = await ino.until(IN_CREATE, file);
  assert.equal(plain.pid, undefined);
  assert.equal('pid' in plain.toJSON(), false);
});

test('fanotify: a name deleted and made again while nothing is read comes out in the order it happened', { skip }, async (t) => {
  const root = tmpDir();
  mkdirSync(join(root, 'd'));
  writeFileSync(join(root, 'f'), '');
  const w = watchTree(t, new FanotifyBackend(), root, IN_CREATE | IN_DELETE);
  // While nothing is read the kernel merges what it can: not these (the old and the new inode differ).
  w.wm.backend.pause();
  rmdirSync(join(root, 'd'));
  mkdirSync(join(root, 'd'));
  unlinkSync(join(root, 'f'));
  writeFileSync(join(root, 'f'), '');
  w.wm.backend.resume();
  await w.until(IN_CREATE, join(root, 'd'));
  await w.settle();
  const seen = (name: string) => w.events.filter((ev) => ev.name === name).map((ev) => ev.maskname.replace('|IN_ISDIR', ''));
  assert.deepEqual(seen('d'), ['IN_DELETE', 'IN_CREATE']);
  assert.deepEqual(seen('f'), ['IN_DELETE', 'IN_CREATE']);
  // The new d is watched: what is made in it is seen.
  writeFileSync(join(root, 'd', 'inside'), '');
  await w.until(IN_CREATE, join(root, 'd', 'inside'));
});

test('fanotify: a queue overflow is said and recovered by a rescan, each file reported once', { skip }, async (t) => {
  const root = tmpDir();
  const w = watchTree(t, new FanotifyBackend(), root, IN_CREATE);
  let queue = 16384;
  try {
    queue = Number(readFileSync('/proc/sys/fs/fanotify/max_queued_events', 'utf8'));
  } catch {
    // older kernels: the fixed default
  }
  const n = queue + 2000;
  w.wm.backend.pause(); // the kernel queue alone holds what comes now
  for (let i = 0; i < n; i++) writeFileSync(join(root, `f${i}`), '');
  w.wm.backend.resume();
  await waitFor(() => w.events.some((ev) => ev.mask & IN_Q_OVERFLOW), 'IN_Q_OVERFLOW', TIMEOUT);
  await w.settle();
  const created = new Map<string, number>();
  for (const ev of w.events) if (ev.mask & IN_CREATE) created.set(ev.name, (created.get(ev.name) ?? 0) + 1);
  for (let i = 0; i < n; i++) assert.equal(created.get(`f${i}`), 1, `f${i} reported once`);
  assert.ok(
    w.events.some((ev) => ev.synthetic),
    'some were recovered by the rescan',
  );
});

test('fanotify as a user without CAP_SYS_ADMIN: a clear error naming the reason and the inotify fallback', {
  skip: noTestUser(),
}, async () => {
  const dir = testUserDir();
  const run = spawnTswatchAsTestUser(['--backend', 'fanotify', '-m', dir]);
  const code = await run.exited;
  assert.notEqual(code, 0);
  assert.match(run.stderr, /fanotify.*need root \(CAP_SYS_ADMIN\); running as tswatch-test \(uid \d+\)/);
  assert.match(run.stderr, /use the inotify backend instead/);
  assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
});

test('fanotify on a filesystem without file handles (/proc): a clear error naming it and the inotify fallback', { skip }, async () => {
  const run = spawnTswatch(['--backend', 'fanotify', '-m', '/proc/sys']);
  assert.equal(await run.exited, 1);
  assert.match(run.stderr, /watch '\/proc\/sys': this filesystem \(proc\) gives no file handles fanotify can report \(EOPNOTSUPP\)/);
  assert.match(run.stderr, /use the inotify backend instead/);
  assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
});
