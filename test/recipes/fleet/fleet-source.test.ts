import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FleetRecord } from '../../../recipes/fleet/index.js';
import { Broker } from '../../helpers/brokers.js';
import { follow, openPublisher, publishCreates } from '../../helpers/fleet.js';
import { spawnTswatch } from '../../helpers/spawn-cli.js';
import { waitFor } from '../../helpers/wait-for.js';

const KINDS = {
  nats: { start: () => Broker.nats(), path: 'fleet.durable' },
  redis: { start: () => Broker.redis(), path: 'fleet:durable' },
  mqtt: { start: () => Broker.mosquitto(), path: 'fleet/durable' },
} as const;

/** f<from>…f<to> */
const names = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => `f${from + i}`);
const namesOf = (records: FleetRecord[]): Set<string> => new Set(records.map((r) => r.name));

/** `publish` n creates (after `from`) and wait until the broker acknowledged them all. */
async function published(publisher: Awaited<ReturnType<typeof openPublisher>>, n: number, from: number): Promise<void> {
  publishCreates(publisher, n, from);
  await waitFor(() => publisher.status()[0]!.pending === 0, `${n} events delivered`);
}

/**
 * The successor read every record its predecessor did not; of those it did, after a stop at most the
 * last again (after a crash, any whose acknowledgement had not reached the broker).
 */
function assertResumed(before: string[], after: FleetRecord[], all: string[], crashed = false): void {
  const got = namesOf(after);
  assert.deepEqual(
    all.filter((n) => !before.includes(n) && !got.has(n)),
    [],
    'none lost',
  );
  const again = before.filter((n) => got.has(n));
  if (!crashed) assert.ok(again.length <= 1 && (again.length === 0 || again[0] === before[before.length - 1]), `read again: ${again}`);
}

for (const [kind, { start, path }] of Object.entries(KINDS)) {
  test(`${kind}: a durable consumer stopped part way resumes under its name with every record left; another name reads on its own`, async () => {
    const broker = await start();
    const url = `${kind}://${broker.url}/${path}`;
    const publisher = await openPublisher(url);
    if (kind === 'nats') await published(publisher, 1, 0); // the stream exists before consumers are made on it
    const first = await follow(url, undefined, { durable: 'audit', take: 40 });
    const other = await follow(url, undefined, { durable: 'backup' });
    await published(publisher, 100, 1);
    await first.ended; // stopped after 40, with 60 read from the broker or waiting there
    await published(publisher, 50, 101); // while it is away
    const before = first.records.map((r) => r.name);
    assert.deepEqual(before, names(1, 40));
    const second = await follow(url, undefined, { durable: 'audit' });
    await waitFor(() => namesOf(second.records).has('f150') && second.records.length >= 110, 'the rest, f41…f150', 20_000);
    await waitFor(() => namesOf(other.records).size >= 150, "the other name's 150", 20_000);
    second.stop();
    other.stop();
    await publisher.close();
    assertResumed(before, second.records, names(1, 150));
    assert.deepEqual([...namesOf(other.records)].sort(), names(1, 150).sort(), 'the other consumer saw all, unaffected');
  });

  test(`${kind}: tswatch tail --durable killed (-9) and started again prints what came meanwhile`, async () => {
    const broker = await start();
    const url = `${kind}://${broker.url}/${path}`;
    const publisher = await openPublisher(url);
    if (kind === 'nats') await published(publisher, 1, 0);
    const tail = (): ReturnType<typeof spawnTswatch> => spawnTswatch(['tail', url, '--durable', 'ops', '--json']);
    const first = tail();
    await first.waitStderr('Following');
    await published(publisher, 30, 1);
    await first.waitLines(30);
    first.child.kill('SIGKILL');
    await first.exited;
    await published(publisher, 30, 31);
    const second = tail();
    await waitFor(() => second.stdout.includes('"name":"f60"') && second.lines().length >= 30, `f31…f60: ${second.stdout}`, 20_000);
    second.child.kill('SIGTERM');
    assert.equal(await second.exited, 0);
    await publisher.close();
    const parse = (lines: string[]): FleetRecord[] => lines.map((l) => JSON.parse(l) as FleetRecord);
    assertResumed(names(1, 30), parse(second.lines()), names(1, 60), true);
  });
}
