import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createClient } from 'redis';
import { Broker } from '../../../helpers/brokers.js';
import { assertCreates, follow, openPublisher, publishCreates } from '../../../helpers/fleet.js';
import { waitFor } from '../../../helpers/wait-for.js';

test('Redis Streams: 10,000 events arrive in order with the --json fields, host and id', async () => {
  const redis = await Broker.redis();
  const url = `redis://${redis.url}/fleet:ten`;
  const seen = await follow(url);
  const publisher = await openPublisher(url);
  publishCreates(publisher, 10_000);
  await waitFor(() => seen.records.length >= 10_000, '10,000 records', 60_000);
  seen.stop();
  await publisher.close();
  assertCreates(seen.records, 10_000);
  const stored = await entries(redis.url, 'fleet:ten');
  assert.equal(stored.length, 10_000);
  assert.deepEqual(Object.keys(stored[0]!.message), ['id', 'host', 'event']);
});

test('Redis Streams: broker stopped mid-stream and restarted: every event added exactly once', async () => {
  const redis = await Broker.redis();
  const url = `redis://${redis.url}/fleet:restart`;
  const publisher = await openPublisher(url, 'h1', { batchSize: 100 });
  publishCreates(publisher, 10_000);
  await waitFor(() => publisher.status()[0]!.delivered >= 2_000, '2,000 delivered', 30_000);
  await redis.stop();
  assert.ok(publisher.status()[0]!.pending > 0, 'events wait in the outbox while the broker is down');
  await redis.start();
  await waitFor(() => publisher.status()[0]!.pending === 0, 'the outbox to drain after the restart', 60_000);
  await publisher.close();
  const stored = await entries(redis.url, 'fleet:restart');
  assertCreates(
    stored.map((e) => JSON.parse(e.message.event!)),
    10_000,
  );
});

test('Redis Streams: a batch sent again (its reply lost, or re-sent after a crash) is not added twice', async () => {
  const redis = await Broker.redis();
  const url = `redis://${redis.url}/fleet:again`;
  const { RedisSink } = await import('../../../../recipes/fleet/sinks/redis-sink.js');
  const sink = new RedisSink(new URL(url), { url });
  const records = [1, 2, 3, 4, 5].map((n) => ({
    id: `h1:x:${n}`,
    host: 'h1',
    time: new Date().toISOString(),
    wd: 1,
    mask: 256,
    maskname: 'IN_CREATE',
    cookie: 0,
    name: `f${n}`,
    path: '/watched',
    pathname: `/watched/f${n}`,
    dir: false,
  }));
  const batch = records.map((record) => ({ record, json: JSON.stringify(record) }));
  await sink.send(batch.slice(0, 3));
  await sink.send(batch.slice(0, 3)); // the same again
  await sink.send(batch.slice(1)); // partly new
  await sink.close();
  assert.deepEqual(
    (await entries(redis.url, 'fleet:again')).map((e) => e.message.id),
    records.map((r) => r.id),
  );
});

async function entries(server: string, stream: string): Promise<Array<{ id: string; message: Record<string, string> }>> {
  const client = createClient({ url: `redis://${server}` });
  await client.connect();
  try {
    return (await client.xRange(stream, '-', '+')) as Array<{ id: string; message: Record<string, string> }>;
  } finally {
    await client.quit();
  }
}
