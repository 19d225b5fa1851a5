import assert from 'node:assert/strict';
import { appendFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { EventOutbox } from '../../../recipes/fleet/index.js';
import { tmpDir } from '../../helpers/tmp-dir.js';

const lines = (from: number, n: number): string[] => Array.from({ length: n }, (_, i) => JSON.stringify({ id: `h:i:${from + i}` }));
const ids = (batchLines: string[]): number[] => batchLines.map((l) => Number((JSON.parse(l) as { id: string }).id.split(':')[2]));

function drainAll(outbox: EventOutbox, ack = true): number[] {
  const seen: number[] = [];
  for (let batch = outbox.read(7); batch; batch = outbox.read(7)) {
    seen.push(...ids(batch.lines));
    if (ack) outbox.ack(batch);
  }
  return seen;
}

test('records leave only when acknowledged: a rewind, and a reopen, read the unacknowledged ones again', () => {
  const dir = tmpDir();
  const outbox = new EventOutbox({ dir, segmentBytes: 200 });
  outbox.append(lines(1, 30));
  const first = outbox.read(10)!;
  outbox.ack(first);
  assert.deepEqual(ids(first.lines).slice(0, 3), [1, 2, 3]);
  const second = outbox.read(10)!;
  outbox.rewind(); // the broker refused it
  assert.deepEqual(ids(outbox.read(10)!.lines), ids(second.lines));
  assert.equal(outbox.pending, 30 - first.lines.length);
  outbox.close();

  const again = new EventOutbox({ dir, segmentBytes: 200 });
  assert.equal(again.pending, 30 - first.lines.length);
  const rest = drainAll(again);
  assert.deepEqual(
    rest,
    Array.from({ length: 30 - first.lines.length }, (_, i) => first.lines.length + 1 + i),
  );
  assert.equal(again.pending, 0);
  // Acknowledged segments are deleted (the one being written stays).
  assert.equal(readdirSync(dir).filter((f) => f.endsWith('.seg')).length, 1);
  again.close();
});

test('full: the oldest records are dropped, counted and reported; the newest are kept in order', () => {
  const dir = tmpDir();
  const reports: Array<[number, number]> = [];
  const outbox = new EventOutbox({ dir, maxBytes: 4096, segmentBytes: 512 }, (count, total) => reports.push([count, total]));
  for (let i = 0; i < 100; i++) outbox.append(lines(i * 5 + 1, 5));
  const kept = drainAll(outbox);
  assert.ok(outbox.dropped > 0, 'something was dropped');
  assert.equal(kept.length + outbox.dropped, 500, 'every record is either kept or counted');
  assert.deepEqual(
    kept,
    Array.from({ length: kept.length }, (_, i) => 500 - kept.length + 1 + i),
    'the newest, in order',
  );
  assert.equal(
    reports.reduce((n, [count]) => n + count, 0),
    outbox.dropped,
  );
  assert.equal(reports[reports.length - 1]![1], outbox.dropped);
  outbox.close();
});

test('a record cut short by a crash is cut off; what follows is appended intact', () => {
  const dir = tmpDir();
  const outbox = new EventOutbox({ dir });
  outbox.append(lines(1, 3));
  outbox.close();
  const seg = readdirSync(dir).find((f) => f.endsWith('.seg'))!;
  appendFileSync(join(dir, seg), '{"id":"h:i:4","trunc');
  const again = new EventOutbox({ dir });
  again.append(lines(5, 1));
  assert.deepEqual(drainAll(again), [1, 2, 3, 5]);
  again.close();
});

test('an outbox directory that cannot be made is an error naming it', () => {
  const file = join(tmpDir(), 'a-file');
  appendFileSync(file, '');
  assert.throws(
    () => new EventOutbox({ dir: join(file, 'outbox') }),
    (err: Error & { hint?: string }) => {
      assert.ok(err.message.includes(join(file, 'outbox')), err.message);
      assert.match(err.hint ?? '', /--outbox/);
      return true;
    },
  );
  assert.throws(() => new EventOutbox({ dir: '/proc/tswatch-outbox/x' }), /\/proc\/tswatch-outbox\/x/); // not a hang
});
