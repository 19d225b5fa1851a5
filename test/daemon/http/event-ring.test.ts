import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventRing } from '../../../daemon/http/event-ring.js';
import { EventRate } from '../../../daemon/http/event-rate.js';

test('EventRing keeps the last `capacity` events and counts what a late reader missed', () => {
  const ring = new EventRing(3);
  assert.deepEqual(ring.since(0), { events: [], dropped: 0 });
  const seen: number[] = [];
  const unsubscribe = ring.subscribe((r) => seen.push(r.seq));
  for (const p of ['a', 'b', 'c', 'd', 'e']) ring.push('w', 0x100, p, false);
  unsubscribe();
  ring.push('w', 0x40000100, 'f', true, Date.UTC(2026, 0, 2, 3, 4, 5, 6));
  assert.deepEqual(seen, [1, 2, 3, 4, 5]);
  assert.equal(ring.lastSeq, 6);
  assert.deepEqual(
    ring.since(0).events.map((r) => r.path),
    ['d', 'e', 'f'],
  );
  assert.equal(ring.since(0).dropped, 3);
  assert.deepEqual(ring.since(5).events, [
    { seq: 6, time: '2026-01-02T03:04:05.006Z', watch: 'w', event: 'CREATE,ISDIR', mask: 0x40000100, path: 'f', ignored: true },
  ]);
  assert.deepEqual([ring.since(2).dropped, ring.since(3).dropped, ring.since(4).events.length, ring.since(6).events.length], [1, 0, 2, 0]);
  assert.deepEqual(ring.since(99), { events: [], dropped: 0 }, 'a seq from the future (an old daemon) gives nothing');
});

test('EventRate: per-second counts over a sliding window; the average leaves out the current second', () => {
  const rate = new EventRate(5);
  const t0 = 1_000_000_000;
  for (let i = 0; i < 3; i++) rate.add('w', t0);
  rate.add('w', t0 + 2500);
  assert.deepEqual(rate.history('w', t0 + 2500), [0, 0, 3, 0, 1]);
  assert.deepEqual(rate.history('w', t0 + 7000), [0, 0, 0, 0, 0], 'old seconds are not counted again when the slot comes round');
  assert.equal(rate.perSecond('w', t0 + 3000), (3 + 0 + 1) / 4);
  assert.deepEqual(rate.history('other', t0), [0, 0, 0, 0, 0]);
  rate.retain([]);
  assert.deepEqual(rate.history('w', t0 + 2500), [0, 0, 0, 0, 0]);
});

test('EventRing carries who caused an event where it is known, and nothing where it is not', () => {
  const ring = new EventRing(3);
  ring.push('w', 0x100, '/a', false, Date.UTC(2026, 0, 1), 'vim, pid 4242, user alice');
  ring.push('w', 0x100, '/b', false, Date.UTC(2026, 0, 1));
  const [by, none] = ring.since(0).events;
  assert.equal(by!.by, 'vim, pid 4242, user alice');
  assert.equal('by' in none!, false);
});
