import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { test } from 'node:test';
import type { FleetRecord } from '../../../../recipes/fleet/index.js';
import { assertCreates, openPublisher, publishCreates } from '../../../helpers/fleet.js';
import { waitFor } from '../../../helpers/wait-for.js';

/** A webhook receiver on 127.0.0.1 that answers 503 while `down` is set. */
async function receiver() {
  const state = { down: false, records: [] as FleetRecord[], refused: 0, auth: [] as string[] };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      state.auth.push(req.headers.authorization ?? '');
      if (state.down) {
        state.refused++;
        res.writeHead(503).end();
        return;
      }
      state.records.push(...(JSON.parse(body) as FleetRecord[]));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { state, url: `http://127.0.0.1:${port}/hook`, close: () => new Promise((resolve) => server.close(resolve)) };
}

test('HTTP webhook: 10,000 events in order, POSTed as JSON batches; a 503 outage is retried, nothing twice', async () => {
  const hook = await receiver();
  process.env.TSWATCH_HTTP_TOKEN = 's3cret';
  try {
    const publisher = await openPublisher(hook.url);
    publishCreates(publisher, 5_000);
    await waitFor(() => hook.state.records.length >= 1_000, '1,000 received');
    hook.state.down = true;
    publishCreates(publisher, 5_000, 5_001);
    await waitFor(() => hook.state.refused >= 2, 'two refused POSTs');
    hook.state.down = false;
    await waitFor(() => publisher.status()[0]!.pending === 0, 'the outbox to drain', 30_000);
    await publisher.close();
  } finally {
    delete process.env.TSWATCH_HTTP_TOKEN;
    await hook.close();
  }
  assertCreates(hook.state.records, 10_000);
  assert.ok(
    hook.state.auth.every((a) => a === 'Bearer s3cret'),
    'the token from TSWATCH_HTTP_TOKEN',
  );
});
