import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connect } from 'nats';
import { Broker } from '../../../helpers/brokers.js';
import { assertCreates, follow, openPublisher, publishCreates } from '../../../helpers/fleet.js';
import { waitFor } from '../../../helpers/wait-for.js';

test('NATS JetStream: 10,000 events arrive in order with the --json fields, host and id (stream created)', async () => {
  const nats = await Broker.nats();
  const url = `nats://${nats.url}/fleet.ten`;
  const publisher = await openPublisher(url);
  // The first publish creates the stream; follow it from the start.
  publishCreates(publisher, 10_000);
  await waitFor(() => publisher.status()[0]!.pending === 0, 'the outbox to drain', 60_000);
  const seen = await follow(url, new Date(0));
  await waitFor(() => seen.records.length >= 10_000, '10,000 records', 30_000);
  seen.stop();
  await publisher.close();
  assertCreates(seen.records, 10_000);
});

test('NATS JetStream: broker stopped mid-stream and restarted: every event stored exactly once', async () => {
  const nats = await Broker.nats();
  const url = `nats://${nats.url}/fleet.restart`;
  const publisher = await openPublisher(url);
  publishCreates(publisher, 10_000);
  await waitFor(() => publisher.status()[0]!.delivered >= 2_000, '2,000 delivered', 30_000);
  await nats.stop();
  assert.ok(publisher.status()[0]!.pending > 0, 'events wait in the outbox while the broker is down');
  await nats.start();
  await waitFor(() => publisher.status()[0]!.pending === 0, 'the outbox to drain after the restart', 60_000);
  await publisher.close();
  assert.equal(await storedCount(nats.url, 'TSWATCH_fleet_restart'), 10_000, 'the stream holds each event once');
  const seen = await follow(url, new Date(0));
  await waitFor(() => seen.records.length >= 10_000, '10,000 records', 30_000);
  seen.stop();
  assertCreates(seen.records, 10_000);
});

/** Messages in a stream, as the server counts them. */
async function storedCount(server: string, stream: string): Promise<number> {
  const nc = await connect({ servers: server });
  try {
    return (await (await nc.jetstreamManager()).streams.info(stream)).state.messages;
  } finally {
    await nc.close();
  }
}
