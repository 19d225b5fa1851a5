import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { connectAsync } from 'mqtt';
import type { FleetRecord } from '../../recipes/fleet/index.js';
import { Broker } from '../helpers/brokers.js';
import { follow, outboxesEmpty } from '../helpers/fleet.js';
import { spawnTswatch } from '../helpers/spawn-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const OUTAGES = 5;
const OUTAGE = /events wait in the outbox, retrying/g;
const RECOVERY = /delivering again/g;

/** Every record the broker got, as a reader sees it: NATS and Redis from their history, MQTT through a
 * persistent session opened before the agent starts (the broker keeps its queue across restarts). */
async function reader(kind: 'nats' | 'redis' | 'mqtt', broker: Broker, url: string): Promise<() => Promise<FleetRecord[]>> {
  if (kind !== 'mqtt') {
    return async () => {
      const all = await follow(url, new Date(0));
      after(() => all.stop());
      return all.records;
    };
  }
  const records: FleetRecord[] = [];
  const subscriber = await connectAsync(`mqtt://${broker.url}`, { clientId: 'outage-reader', clean: false, reconnectPeriod: 100 });
  subscriber.on('error', () => {});
  subscriber.on('message', (_topic, payload) => records.push(JSON.parse(payload.toString()) as FleetRecord));
  await subscriber.subscribeAsync(new URL(url).pathname.slice(1), { qos: 1 });
  after(() => subscriber.endAsync());
  return async () => records;
}

for (const kind of ['mqtt', 'nats', 'redis'] as const) {
  test(`--sink ${kind}: the broker stopped and started ${OUTAGES} times under a running agent: ${OUTAGES} outages said, ${OUTAGES} recoveries, no event lost`, {
    timeout: 240_000,
  }, async () => {
    const broker = await (kind === 'nats' ? Broker.nats() : kind === 'redis' ? Broker.redis() : Broker.mosquitto());
    const url = `${kind}://${broker.url}/${kind === 'nats' ? 'fleet.outage' : kind === 'redis' ? 'fleet:outage' : 'fleet/outage'}`;
    const records = await reader(kind, broker, url);
    const [outbox, watched] = [tmpDir(), tmpDir()];
    const cli = spawnTswatch(['-m', '-e', 'create', '--sink', url, '--outbox', outbox, watched]);
    await cli.waitStderr('Watches established.');
    let created = 0;
    const seen = (): number => cli.lines().length;
    const count = (re: RegExp): number => cli.stderr.match(re)?.length ?? 0;
    for (let outage = 1; outage <= OUTAGES; outage++) {
      // Files keep coming while the broker goes away, so a batch is in flight when it does.
      const creator = setInterval(() => writeFileSync(join(watched, `f${++created}`), ''), 3);
      try {
        const before = seen();
        await waitFor(() => seen() >= before + 50, 'events flowing to the broker', 30_000);
        await broker.stop();
        const down = seen();
        await waitFor(() => seen() >= down + 50, '50 events while the broker is away', 30_000);
        await broker.start();
      } finally {
        clearInterval(creator);
      }
      await waitFor(() => seen() >= created && outboxesEmpty(outbox), `outage ${outage}: the outbox to drain: ${cli.stderr}`, 60_000);
    }
    await waitFor(() => count(RECOVERY) >= OUTAGES, `${OUTAGES} recoveries said: ${cli.stderr}`);
    assert.equal(count(OUTAGE), OUTAGES, `one outage line per outage:\n${cli.stderr}`);
    assert.equal(count(RECOVERY), OUTAGES, `one recovery line per outage:\n${cli.stderr}`);
    const got = await records();
    const names = (): Set<string> => new Set(got.map((r) => r.name));
    await waitFor(() => names().size >= created, `all ${created} events at the broker`, 30_000).catch(() => {});
    const missing = Array.from({ length: created }, (_, i) => `f${i + 1}`).filter((n) => !names().has(n));
    assert.deepEqual(missing, [], `every event reached the broker (${names().size} of ${created})`);
    cli.child.kill('SIGTERM');
    assert.equal(await cli.exited, 0);
  });
}
