// tswatch/parcel's subscribe: batches come every batchMs, so a steady stream of changes cannot hold them back.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { subscribe } from '../../../facades/parcel/index.js';
import { tmpDir } from '../../helpers/tmp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';
import { batches } from './batches.js';

test('a steady stream of changes is reported in batches of about batchMs, not held until it stops', async () => {
  const dir = tmpDir();
  const w = await batches(dir, { batchMs: 10 });
  let n = 0;
  const writer = setInterval(() => writeFileSync(join(dir, `s${n++}`), ''), 2);
  try {
    await waitFor(() => n >= 100, '100 writes');
  } finally {
    clearInterval(writer);
  }
  const creates = () =>
    new Set(
      w
        .all()
        .filter((e) => e.type === 'create')
        .map((e) => e.path),
    ).size;
  await waitFor(
    () => creates() === n,
    () => `${n} creates, have ${creates()}`,
  );
  // A quiet-period debounce (parcel: 50 ms of quiet, at most 500 ms) gives one or two batches here.
  assert.ok(w.seen.length >= 5, `${w.seen.length} batches for ${n} writes over a steady stream`);
});

test('batchMs: 0 reports each kernel read once it is processed', async () => {
  const dir = tmpDir();
  const w = await batches(dir, { batchMs: 0 });
  writeFileSync(join(dir, 'a'), '');
  assert.deepEqual(await w.batch(0), [{ type: 'create', path: join(dir, 'a') }]);
  writeFileSync(join(dir, 'b'), '');
  assert.deepEqual(await w.batch(1), [{ type: 'create', path: join(dir, 'b') }]);
  await assert.rejects(
    subscribe(dir, () => {}, { batchMs: -1 }),
    /batchMs: -1 is not a number of milliseconds/,
  );
});
