/** settle: one modify per file once it stopped changing, per path, on every backend. */
import assert from 'node:assert/strict';
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { type Event, IN_CLOSE_WRITE, IN_MODIFY, Notifier, TswatchError, WatchManager } from '../src/index.js';
import { PollBackend } from '../src/backends/poll.js';
import { tmpDir } from './helpers/tmp-dir.js';
import { waitFor } from './helpers/wait-for.js';

function watching(t: { after(fn: () => void): void }, root: string, settle: number, wm = new WatchManager()) {
  wm.addWatch(root, IN_MODIFY | IN_CLOSE_WRITE, { quiet: false });
  const events: Array<{ event: Event; at: number }> = [];
  const notifier = new Notifier(wm, (event) => void events.push({ event, at: Date.now() }), { settle });
  notifier.start();
  t.after(() => notifier.stop());
  const of = (name: string, mask: number) => events.filter((e) => e.event.name === name && e.event.mask & mask);
  return { notifier, events, of };
}

test('inotify: many writes then close give one MODIFY, at once on CLOSE_WRITE, just before it', async (t) => {
  const root = tmpDir();
  const w = watching(t, root, 60_000); // a settle time that would never pass: the close must do it
  await w.notifier.ready();
  const fd = openSync(join(root, 'f'), 'w');
  for (let i = 0; i < 50; i++) writeSync(fd, 'chunk\n');
  closeSync(fd);
  await waitFor(() => w.of('f', IN_CLOSE_WRITE).length === 1, 'CLOSE_WRITE');
  assert.equal(w.of('f', IN_MODIFY).length, 1);
  const kinds = w.events.map((e) => e.event.maskname);
  assert.deepEqual(kinds, ['IN_MODIFY', 'IN_CLOSE_WRITE']);
});

test('a writer that keeps the file open: one MODIFY once it has been still for the settle time', async (t) => {
  const root = tmpDir();
  const w = watching(t, root, 300);
  await w.notifier.ready();
  const fd = openSync(join(root, 'log'), 'w');
  t.after(() => closeSync(fd));
  let last = 0;
  for (let i = 0; i < 5; i++) {
    writeSync(fd, 'line\n');
    last = Date.now();
    await new Promise((r) => setTimeout(r, 50)); // the writer's own pace, not a wait for tswatch
  }
  await waitFor(() => w.of('log', IN_MODIFY).length === 1, 'the settled MODIFY');
  assert.ok(w.of('log', IN_MODIFY)[0]!.at - last >= 250, 'reported only after the file stood still');
  assert.equal(w.of('log', IN_CLOSE_WRITE).length, 0);
});

test('poll backend (no close events): each of two files settles on its own, once', async (t) => {
  const root = tmpDir();
  writeFileSync(join(root, 'a'), '');
  writeFileSync(join(root, 'b'), '');
  const w = watching(t, root, 200, new WatchManager({ backend: new PollBackend({ interval: 30 }) }));
  await w.notifier.ready();
  writeFileSync(join(root, 'a'), 'a1');
  await waitFor(() => w.of('a', IN_MODIFY).length === 1, 'a settled');
  writeFileSync(join(root, 'b'), 'b1');
  await waitFor(() => w.of('b', IN_MODIFY).length === 1, 'b settled');
  assert.equal(w.of('a', IN_MODIFY).length, 1);
});

test('a bad settle value is a clear error', () => {
  const wm = new WatchManager();
  assert.throws(
    () => new Notifier(wm, null, { settle: -5 }),
    (e: unknown) => e instanceof TswatchError && e.code === 'EBADSETTLE',
  );
  wm.close();
});
