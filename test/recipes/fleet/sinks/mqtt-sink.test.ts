import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connectAsync } from 'mqtt';
import type { FleetRecord } from '../../../../recipes/fleet/index.js';
import { Broker } from '../../../helpers/brokers.js';
import { assertCreates, follow, openPublisher, publishCreates } from '../../../helpers/fleet.js';
import { waitFor } from '../../../helpers/wait-for.js';

test('MQTT QoS 1: 10,000 events arrive in order with the --json fields, host and id', async () => {
  const mqtt = await Broker.mosquitto();
  const url = `mqtt://${mqtt.url}/fleet/ten`;
  const seen = await follow(url);
  const publisher = await openPublisher(url);
  publishCreates(publisher, 10_000);
  await waitFor(() => seen.records.length >= 10_000, '10,000 records', 60_000);
  await waitFor(() => publisher.status()[0]!.pending === 0, 'the outbox to drain');
  seen.stop();
  await publisher.close();
  assertCreates(seen.records, 10_000);
});

test('MQTT QoS 1: broker stopped mid-stream and restarted: every event arrives (repeats counted, by id)', async (t) => {
  const mqtt = await Broker.mosquitto();
  const url = `mqtt://${mqtt.url}/fleet/restart`;
  // A persistent session at QoS 1: the broker keeps what comes for it across its restart.
  const subscriber = await connectAsync(`mqtt://${mqtt.url}`, { clientId: 'test-subscriber', clean: false, reconnectPeriod: 100 });
  subscriber.on('error', () => {});
  const records: FleetRecord[] = [];
  subscriber.on('message', (_topic, payload) => records.push(JSON.parse(payload.toString()) as FleetRecord));
  await subscriber.subscribeAsync('fleet/restart', { qos: 1 });
  const publisher = await openPublisher(url);
  publishCreates(publisher, 10_000);
  await waitFor(() => records.length >= 2_000, '2,000 received', 30_000);
  await mqtt.stop();
  await mqtt.start();
  const unique = (): FleetRecord[] => [...new Map(records.map((r) => [r.id, r])).values()];
  await waitFor(() => unique().length >= 10_000, 'every event after the restart', 60_000);
  await waitFor(() => publisher.status()[0]!.pending === 0, 'the outbox to drain');
  await publisher.close();
  await subscriber.endAsync();
  t.diagnostic(`${records.length - 10_000} repeats (QoS 1 is at-least-once; consumers drop them by id)`);
  const byId = unique().sort((a, b) => Number(a.id.split(':').pop()) - Number(b.id.split(':').pop()));
  assertCreates(byId, 10_000);
  assert.ok(records.length >= 10_000);
});

test('MQTT: a publisher closed while its broker is away with a batch in flight stops at once; the batch stays in the outbox', {
  timeout: 60_000,
}, async () => {
  const mqtt = await Broker.mosquitto();
  const url = `mqtt://${mqtt.url}/fleet/away`;
  const seen = await follow(url);
  const publisher = await openPublisher(url);
  publishCreates(publisher, 20_000);
  await waitFor(() => seen.records.length >= 1_000, 'the stream flowing', 30_000);
  seen.stop();
  await mqtt.stop(); // mid-stream: the client holds a batch waiting for its PUBACKs
  const started = Date.now();
  const closed = await Promise.race([publisher.close(100), new Promise<undefined>((resolve) => void setTimeout(resolve, 20_000))]);
  assert.ok(closed, `close() still waiting after ${Date.now() - started} ms (the client waits for PUBACKs from a broker that is gone)`);
  assert.ok(closed[0]!.pending > 0, 'what was not acknowledged stays in the outbox');
});
