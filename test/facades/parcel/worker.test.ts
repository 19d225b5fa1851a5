// Parcel's users subscribe from worker threads too: the facade (and the native reader under it) must
// load and deliver in a worker while the main thread watches the same directory.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { tmpDir } from '../../helpers/tmp-dir.js';
import { batches } from './batches.js';

const FACADE = new URL('../../../facades/parcel/index.js', import.meta.url).href;

test('a worker thread subscribes and gets the same batch as the main thread', async () => {
  const dir = tmpDir();
  const main = await batches(dir);
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     (async () => {
       const { subscribe } = await import(workerData.facade);
       const sub = await subscribe(workerData.dir, async (err, events) => {
         await sub.unsubscribe();
         parentPort.postMessage({ err: err && err.message, events });
       });
       parentPort.postMessage('ready');
     })();`,
    { eval: true, workerData: { dir, facade: FACADE } },
  );
  try {
    const next = () =>
      new Promise<unknown>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
    assert.equal(await next(), 'ready');
    const got = next();
    writeFileSync(join(dir, 'f'), 'x');
    const expected = [{ type: 'create', path: join(dir, 'f') }];
    assert.deepEqual(await got, { err: null, events: expected });
    assert.deepEqual(await main.batch(0), expected);
  } finally {
    await worker.terminate();
  }
});
