import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RAW_UNNAMED } from '../src/backends/backend.js';
import { type Event, IN_CREATE, Notifier, UnnamedEventsError, WatchManager } from '../src/index.js';
import { FakeBackend } from './helpers/fake-backend.js';
import { tmpDir } from './helpers/tmp-dir.js';

// Events a backend read but could not name are not delivered: they are counted and said.
test('a RAW_UNNAMED record is counted and said as an UnnamedEventsError, and delivers nothing', () => {
  const root = tmpDir();
  const backend = new FakeBackend();
  const wm = new WatchManager({ backend });
  const wd = wm.addWatch(root, IN_CREATE, { rec: true, autoAdd: true, quiet: false })[root]!;
  const events: Event[] = [];
  const errors: Error[] = [];
  const notifier = new Notifier(wm, (e) => void events.push(e));
  notifier.on('error', (err: Error) => void errors.push(err));
  notifier.start();
  try {
    backend.emit({ wd: -1, mask: RAW_UNNAMED, cookie: 3 }, { wd, mask: IN_CREATE, name: 'f' });
    backend.emit({ wd: -1, mask: RAW_UNNAMED, cookie: 1 });
    assert.deepEqual(
      events.map((e) => e.maskname),
      ['IN_CREATE'],
    );
    assert.deepEqual(
      errors.map((e) => [e instanceof UnnamedEventsError && e.count, e.message]),
      [
        [3, '3 events in a directory deleted before they were read could not be named'],
        [1, '1 event in a directory deleted before they were read could not be named'],
      ],
    );
    assert.equal(notifier.unnamed, 4);
  } finally {
    notifier.stop();
  }
});
