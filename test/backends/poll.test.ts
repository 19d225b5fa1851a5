/**
 * The poll backend's baseline is the state before ready: every change made after it is reported, once,
 * even one chokidar's size-and-millisecond-mtime comparison cannot tell.
 */
import assert from 'node:assert/strict';
import { renameSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PollBackend } from '../../src/backends/poll.js';
import { type Event, IN_CREATE, IN_DELETE, IN_MODIFY, Notifier, WatchManager } from '../../src/index.js';
import { tmpDir } from '../helpers/tmp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

async function watching(t: { after(fn: () => void): void }, path: string) {
  const wm = new WatchManager({ backend: new PollBackend({ interval: 10 }) });
  const events: Event[] = [];
  const notifier = new Notifier(wm, (e) => void events.push(e));
  wm.addWatch(path, IN_MODIFY | IN_CREATE | IN_DELETE, { quiet: false });
  notifier.start();
  t.after(() => notifier.stop());
  await notifier.ready();
  const modified = (name: string) => events.filter((e) => e.mask & IN_MODIFY && e.name === name).length;
  const show = () => events.map((e) => `${e.maskname} ${e.name}`).join(', ');
  /** Everything done before this call has been reported once a file made now is seen. */
  const fence = async (name: string) => {
    writeFileSync(join(path, name), '');
    await waitFor(
      () => events.some((e) => e.mask & IN_CREATE && e.name === name),
      () => `${name} (have: ${show()})`,
    );
  };
  return { events, modified, show, fence };
}

test('poll: a same-size write to each of many files right after ready is reported, once each', async (t) => {
  const dir = tmpDir();
  const names = Array.from({ length: 100 }, (_, i) => `f${i}`);
  for (const name of names) writeFileSync(join(dir, name), 'x');
  const w = await watching(t, dir);
  // At once: chokidar's first stat of most of them (its baseline) has not been taken yet.
  for (const name of names) writeFileSync(join(dir, name), 'y');
  await waitFor(
    () => names.every((n) => w.modified(n) >= 1),
    () => `every file modified (missing: ${names.filter((n) => w.modified(n) === 0).join(' ')})`,
  );
  await w.fence('fence');
  assert.deepEqual(
    names.filter((n) => w.modified(n) !== 1),
    [],
    w.show(),
  );
});

test('poll: a same-size rewrite whose mtime was put back (touch -r, cp -p) is a change', async (t) => {
  const dir = tmpDir();
  const file = join(dir, 'f');
  writeFileSync(file, 'aaaa');
  const { atime, mtime } = statSync(file);
  const w = await watching(t, dir);
  writeFileSync(file, 'bbbb');
  utimesSync(file, atime, mtime);
  await waitFor(
    () => w.modified('f') === 1,
    () => `the change (have: ${w.show()})`,
  );
});

test('poll: a watched file rewritten the same way is a change of the file itself', async (t) => {
  const file = join(tmpDir(), 'f');
  writeFileSync(file, 'aaaa');
  const { atime, mtime } = statSync(file);
  const w = await watching(t, file);
  writeFileSync(file, 'bbbb');
  utimesSync(file, atime, mtime);
  await waitFor(
    () => w.modified('') === 1,
    () => `the change (have: ${w.show()})`,
  );
});

test('poll: a same-size file with the same mtime renamed over another is a change (a new inode)', async (t) => {
  const dir = tmpDir();
  writeFileSync(join(dir, 'f'), 'aaaa');
  const { atime, mtime } = statSync(join(dir, 'f'));
  const other = join(tmpDir(), 'g'); // made outside the watch: only the rename lands in it
  writeFileSync(other, 'bbbb');
  utimesSync(other, atime, mtime);
  const w = await watching(t, dir);
  renameSync(other, join(dir, 'f'));
  await waitFor(
    () => w.modified('f') === 1,
    () => `the change (have: ${w.show()})`,
  );
});
