import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Batcher } from '../../daemon/batcher.js';
import { waitFor } from '../helpers/wait-for.js';

test('a quiet period hands over every distinct item, latest change last', async () => {
  const batches: string[][] = [];
  const batcher = new Batcher<string>(
    30,
    (items) => batches.push(items),
    (s) => s,
  );
  for (const item of ['a', 'b', 'a', 'c']) batcher.add(item);
  await waitFor(() => batches.length === 1, 'the batch');
  assert.deepEqual(batches, [['b', 'a', 'c']]);
});

test('maxWait serves a stream that never goes quiet; flushNow hands over the rest', async () => {
  const batches: number[][] = [];
  const batcher = new Batcher<number>(1_000_000, (items) => batches.push(items), String, 20);
  let n = 0;
  batcher.add(n++);
  await waitFor(() => {
    batcher.add(n++);
    return batches.length === 1;
  }, 'the deadline batch');
  batcher.add(n++);
  batcher.flushNow();
  assert.equal(batches.length, 2);
  assert.deepEqual(
    batches.flat(),
    Array.from({ length: n }, (_, i) => i),
    'nothing lost, nothing repeated',
  );
  batcher.dispose();
});
