import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, renameSync, rmdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RawEvent } from '../../src/backends/backend.js';
import { InotifyBackend, nativeConstants, parseEvents, SLICE_RECORDS } from '../../src/backends/inotify.js';
import { loadNativeAddon } from '../../src/backends/native-addon.js';
import { PathError, readProcLimit, TswatchError } from '../../src/errors.js';
import { ALL_CONSTANTS, ALL_EVENTS, IN_CREATE, IN_IGNORED, IN_ISDIR, IN_MOVED_FROM, IN_MOVED_TO, IN_Q_OVERFLOW } from '../../src/masks.js';
import { tmpDir } from '../helpers/tmp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const maxQueued = readProcLimit('max_queued_events') ?? 16384;

/** A started backend recording every record and batch; closed when the test ends. */
function started(t: { after(fn: () => void): void }, options: { readFreq?: number; threshold?: number } = {}) {
  const backend = new InotifyBackend();
  const events: RawEvent[] = [];
  const batches: RawEvent[][] = [];
  const errors: Error[] = [];
  backend.start(
    (batch) => {
      batches.push(batch);
      events.push(...batch);
    },
    (err) => errors.push(err),
    options,
  );
  t.after(() => backend.close());
  const find = async (pred: (e: RawEvent) => boolean, what: string): Promise<RawEvent> =>
    (await waitFor(() => events.find(pred), what, 30_000))!;
  return { backend, events, batches, errors, find };
}

test('every constant in masks.ts equals the kernel header value', () => {
  const native = nativeConstants();
  for (const [name, value] of Object.entries(ALL_CONSTANTS)) assert.equal(native[name], value, name);
  assert.equal(native.IN_ONESHOT, 0x80000000); // unsigned, not -2147483648
});

test('create, mkdir and rename arrive with the right wd, IN_ISDIR and matching cookies', async (t) => {
  const dir = tmpDir();
  const { backend, find } = started(t);
  const wd = backend.addWatch(dir, ALL_EVENTS);
  assert.ok(wd > 0);

  writeFileSync(join(dir, 'a.txt'), 'x');
  const created = await find((e) => e.name === 'a.txt' && (e.mask & IN_CREATE) !== 0, 'IN_CREATE a.txt');
  assert.equal(created.wd, wd);
  assert.equal(created.mask & IN_ISDIR, 0);

  mkdirSync(join(dir, 'sub'));
  const mkdir = await find((e) => e.name === 'sub' && (e.mask & IN_CREATE) !== 0, 'IN_CREATE sub');
  assert.equal(mkdir.mask, IN_CREATE | IN_ISDIR);

  renameSync(join(dir, 'a.txt'), join(dir, 'b.txt'));
  const from = await find((e) => e.mask === IN_MOVED_FROM, 'IN_MOVED_FROM');
  const to = await find((e) => e.mask === IN_MOVED_TO, 'IN_MOVED_TO');
  assert.equal(from.name, 'a.txt');
  assert.equal(to.name, 'b.txt');
  assert.notEqual(from.cookie, 0);
  assert.equal(from.cookie, to.cookie);
});

test('a missing path is a PathError naming it; the same inode gives the same wd', (t) => {
  const dir = tmpDir();
  const backend = new InotifyBackend();
  t.after(() => backend.close());
  const missing = join(dir, 'nope');
  assert.throws(
    () => backend.addWatch(missing, ALL_EVENTS),
    (err: unknown) =>
      err instanceof PathError &&
      err instanceof TswatchError &&
      err.code === 'ENOENT' &&
      err.path === missing &&
      err.message.includes(missing),
  );
  const wd = backend.addWatch(dir, IN_CREATE);
  assert.equal(backend.addWatch(dir, ALL_EVENTS), wd);
  symlinkSync(dir, join(dir, 'link'));
  assert.equal(backend.addWatch(join(dir, 'link'), ALL_EVENTS), wd);
  assert.notEqual(backend.addWatch(tmpDir(), ALL_EVENTS), wd);
});

test('paused, the kernel queue overflows; resumed, IN_Q_OVERFLOW arrives with wd -1', async (t) => {
  const dir = tmpDir();
  const { backend, find } = started(t);
  writeFileSync(join(dir, 'f'), '');
  backend.addWatch(dir, ALL_EVENTS);
  backend.pause();
  // Each open/close queues two records (IN_OPEN, IN_CLOSE_NOWRITE); alternating, the kernel cannot merge
  // them. Yield now and then so the JS queue drains: only the pause, not back-pressure, stops the reader.
  for (let i = 0; i < maxQueued / 2 + 100; i++) {
    closeSync(openSync(join(dir, 'f'), 'r'));
    if (i % 256 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  backend.resume();
  const overflow = await find((e) => (e.mask & IN_Q_OVERFLOW) !== 0, 'IN_Q_OVERFLOW');
  assert.equal(overflow.wd, -1);
});

test('the queue to JavaScript is bounded: a blocked JS thread makes the kernel queue overflow', async (t) => {
  const loaded = loadNativeAddon();
  assert.ok('addon' in loaded, 'addon' in loaded ? '' : loaded.error);
  const dir = tmpDir();
  const ino = new loaded.addon.Inotify();
  t.after(() => ino.close());
  let overflowed = false;
  ino.start(
    (chunk) => {
      const events = Buffer.isBuffer(chunk) ? parseEvents(chunk) : [];
      if (events.some((e) => e.mask & IN_Q_OVERFLOW)) overflowed = true;
    },
    { readFreqMs: 0, threshold: 0, maxPending: 1 },
  );
  const file = join(dir, 'x'.repeat(50));
  writeFileSync(file, '');
  ino.addWatch(dir, ALL_EVENTS);
  // spawnSync blocks this thread while the child opens and closes a file (two records each): with
  // maxPending 1 the reader makes one read, then waits for JS to take it, and stops reading. The long
  // name makes each record 80 bytes, so that read holds < 3300 records; the rest must overflow the
  // kernel queue.
  const count = Math.ceil((maxQueued + 10000) / 2);
  const script = `const fs=require('fs');for(let i=0;i<${count};i++)fs.closeSync(fs.openSync(${JSON.stringify(file)},'r'))`;
  const result = spawnSync(process.execPath, ['-e', script]);
  assert.equal(result.status, 0, result.stderr.toString());
  await waitFor(() => overflowed, 'IN_Q_OVERFLOW', 30_000);
});

test('threshold: each read waits until the kernel queue holds that many bytes', async (t) => {
  const dir = tmpDir();
  // Names of 4 bytes pad to 16: 32-byte records, so 320 bytes is 10 records.
  const { backend, events, batches } = started(t, { threshold: 320 });
  backend.addWatch(dir, IN_CREATE);
  for (let i = 0; i < 100; i++) {
    writeFileSync(join(dir, `f${String(i).padStart(3, '0')}`), '');
    await new Promise((resolve) => setImmediate(resolve)); // give the reader every chance to read early
  }
  await waitFor(() => events.length >= 90, '90 events', 30_000);
  for (const batch of batches) assert.ok(batch.length >= 10, `a batch of ${batch.length} records`);
});

test('readFreq still delivers everything, in order', async (t) => {
  const dir = tmpDir();
  const { backend, events } = started(t, { readFreq: 0.02 });
  backend.addWatch(dir, IN_CREATE);
  for (let i = 0; i < 50; i++) writeFileSync(join(dir, `r${i}`), '');
  await waitFor(() => events.length >= 50, '50 events', 30_000);
  assert.deepEqual(
    events.map((e) => e.name),
    Array.from({ length: 50 }, (_, i) => `r${i}`),
  );
});

test('a drain of many records reaches the consumer in slices, all of them, in order', async (t) => {
  const dir = tmpDir();
  const { backend, events, batches } = started(t);
  backend.addWatch(dir, IN_CREATE);
  // spawnSync blocks this thread while the child creates the files: the reader gathers them all into
  // one drain, which is handed on SLICE_RECORDS at a time.
  const count = SLICE_RECORDS * 3 + 7;
  const script = `const fs=require('fs');for(let i=0;i<${count};i++)fs.writeFileSync(${JSON.stringify(dir)}+'/s'+i,'')`;
  const result = spawnSync(process.execPath, ['-e', script]);
  assert.equal(result.status, 0, result.stderr.toString());
  await waitFor(() => events.length >= count, `${count} events`, 30_000);
  assert.deepEqual(
    events.map((e) => e.name),
    Array.from({ length: count }, (_, i) => `s${i}`),
  );
  assert.ok(batches.length >= 4, `${batches.length} batches`);
  for (const batch of batches) assert.ok(batch.length <= SLICE_RECORDS, `a batch of ${batch.length} records`);
});

test('a consumer that closes the backend mid-drain gets no further slice', async (t) => {
  const dir = tmpDir();
  const backend = new InotifyBackend();
  t.after(() => backend.close());
  const batches: RawEvent[][] = [];
  backend.start(
    (batch) => {
      batches.push(batch);
      backend.close();
    },
    (err) => assert.fail(err),
  );
  backend.addWatch(dir, IN_CREATE);
  const script = `const fs=require('fs');for(let i=0;i<${SLICE_RECORDS * 2};i++)fs.writeFileSync(${JSON.stringify(dir)}+'/c'+i,'')`;
  assert.equal(spawnSync(process.execPath, ['-e', script]).status, 0);
  await waitFor(() => batches.length > 0, 'the first slice');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(batches.length, 1);
});

test('a throwing consumer goes to onError and events keep coming', async (t) => {
  const dir = tmpDir();
  const backend = new InotifyBackend();
  t.after(() => backend.close());
  const seen: string[] = [];
  const errors: Error[] = [];
  backend.start(
    (batch) => {
      seen.push(...batch.map((e) => e.name));
      if (seen.includes('boom')) throw new Error('consumer failed');
    },
    (err) => errors.push(err),
  );
  backend.addWatch(dir, IN_CREATE);
  writeFileSync(join(dir, 'boom'), '');
  await waitFor(() => errors.length > 0, 'onError');
  assert.equal(errors[0]!.message, 'consumer failed');
  writeFileSync(join(dir, 'after'), '');
  await waitFor(() => seen.includes('after'), 'event after the throw');
});

test('rmWatch queues IN_IGNORED; removing a dropped wd is quiet', async (t) => {
  const dir = tmpDir();
  const { backend, find } = started(t);
  const wd = backend.addWatch(dir, ALL_EVENTS);
  backend.rmWatch(wd);
  await find((e) => e.wd === wd && e.mask === IN_IGNORED, 'IN_IGNORED after rmWatch');
  backend.rmWatch(wd); // already gone: no throw

  const sub = join(dir, 'gone');
  mkdirSync(sub);
  const subWd = backend.addWatch(sub, ALL_EVENTS);
  rmdirSync(sub); // the kernel drops the watch itself
  await find((e) => e.wd === subWd && e.mask === IN_IGNORED, 'IN_IGNORED after rmdir');
  backend.rmWatch(subWd);
});
