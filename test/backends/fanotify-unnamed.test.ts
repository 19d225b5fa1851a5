import assert from 'node:assert/strict';
import { linkSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FanotifyBackend } from '../../src/backends/fanotify.js';
import { fanotifyProblem } from '../../src/backends/fanotify-support.js';
import { type Event, IN_CREATE, IN_DELETE, Notifier, WatchManager } from '../../src/index.js';
import { tmpDir } from '../helpers/tmp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

// fanotify -r names a directory by its handle when no event of the same read moves or deletes it. A
// directory deleted before its events are read has no handle to open: its DELETE names it, even when
// that comes in a later read.
const skip = fanotifyProblem()?.reason;

test('fanotify -r: events in a directory deleted before they were read are named by its DELETE in a later read', { skip }, async (t) => {
  const root = tmpDir();
  const gone = join(root, 'gone');
  const sub = join(gone, 'sub'); // deleted before gone: its DELETE needs gone's to be named too
  mkdirSync(sub, { recursive: true });
  writeFileSync(join(root, 'src'), '');
  const wm = new WatchManager({ backend: new FanotifyBackend() });
  const events: Event[] = [];
  const errors: Error[] = [];
  const notifier = new Notifier(wm, (e) => void events.push(e));
  notifier.on('error', (err: Error) => void errors.push(err));
  wm.addWatch(root, IN_CREATE | IN_DELETE, { rec: true, autoAdd: true, quiet: false });
  notifier.start();
  t.after(() => notifier.stop());
  // A link creates no open or write: one event a file (the kernel merges its create and delete), ~100
  // bytes each, so 5000 fill more than one 256 KiB read; gone's DELETE, queued last, comes in the last.
  const n = 5000;
  wm.backend.pause();
  for (let i = 0; i < n; i++) linkSync(join(root, 'src'), join(i % 2 ? sub : gone, `f${i}`));
  rmSync(gone, { recursive: true });
  wm.backend.resume();
  const last = `IN_DELETE|IN_ISDIR ${gone}`;
  const lines = () => events.map((e) => `${e.maskname} ${e.pathname}`);
  await waitFor(
    () => lines().includes(last),
    () => `${last}; have ${events.length} events, errors: ${errors.join('; ')}`,
    20_000,
  );
  const seen = lines().filter((l) => l.startsWith(`IN_CREATE ${gone}/`) || l.startsWith(`IN_DELETE`));
  assert.equal(seen.length, 2 * n + 2, `${2 * n + 2 - seen.length} events missing`);
  assert.deepEqual(seen.slice(-2), [`IN_DELETE|IN_ISDIR ${sub}`, last]);
  // Each file's create before its delete (whether the kernel merged them or not).
  for (let i = 0; i < n; i++) {
    const f = join(i % 2 ? sub : gone, `f${i}`);
    const created = seen.indexOf(`IN_CREATE ${f}`);
    assert.ok(created >= 0 && created < seen.indexOf(`IN_DELETE ${f}`), `${f}: created, then deleted`);
  }
  assert.deepEqual(errors, []);
  assert.equal(notifier.unnamed, 0);
});
