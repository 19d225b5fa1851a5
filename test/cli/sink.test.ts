import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { connect } from 'nats';
import { createClient } from 'redis';
import type { FleetRecord } from '../../recipes/fleet/index.js';
import { Broker, freePort } from '../helpers/brokers.js';
import { follow, outboxesEmpty, outboxLines } from '../helpers/fleet.js';
import { spawnTswatch } from '../helpers/spawn-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

/** `tswatch -m -e create --sink URL --host HOST --outbox DIR WATCHED`, up and watching. */
async function agent(url: string, host: string, outbox: string, watched: string) {
  const cli = spawnTswatch(['-m', '-e', 'create', '--sink', url, '--host', host, '--outbox', outbox, watched]);
  await cli.waitStderr('Watches established.');
  return cli;
}

const touch = (dir: string, from: number, n: number): void => {
  for (let i = from; i < from + n; i++) writeFileSync(join(dir, `f${i}`), '');
};

/** How many records each broker holds, as the broker counts them. */
const STORED: Record<string, (server: string, name: string) => Promise<number>> = {
  async nats(server, subject) {
    const nc = await connect({ servers: server });
    try {
      return (await (await nc.jetstreamManager()).streams.info(`TSWATCH_${subject.replace('.', '_')}`)).state.messages;
    } finally {
      await nc.close();
    }
  },
  async redis(server, stream) {
    const client = createClient({ url: `redis://${server}` });
    await client.connect();
    try {
      return await client.xLen(stream);
    } finally {
      await client.quit();
    }
  },
};

for (const kind of ['nats', 'redis'] as const) {
  test(`--sink ${kind}: killed (-9) with events in its outbox, the agent sends them after a restart, none twice`, async () => {
    const broker = await (kind === 'nats' ? Broker.nats() : Broker.redis());
    const name = kind === 'nats' ? 'fleet.kill' : 'fleet:kill';
    const url = `${kind}://${broker.url}/${name}`;
    const [outbox, watched] = [tmpDir(), tmpDir()];
    const seen = await follow(url); // (NATS: creates the stream too) from now
    const first = await agent(url, 'h1', outbox, watched);
    touch(watched, 1, 100);
    await waitFor(() => seen.records.length >= 100, '100 delivered');
    await broker.stop();
    touch(watched, 101, 200);
    await waitFor(() => outboxLines(outbox) >= 300, 'the 200 created while the broker is down, in the outbox');
    first.child.kill('SIGKILL');
    await first.exited;
    seen.stop();
    await broker.start();
    const second = await agent(url, 'h1', outbox, watched);
    await second.waitStderr('events from before are waiting in the outbox');
    await waitFor(() => outboxesEmpty(outbox), 'the outbox to drain after the restart', 30_000);
    const all = await follow(url, new Date(0));
    await waitFor(() => all.records.length >= 300, '300 records', 30_000);
    all.stop();
    assert.equal(await STORED[kind]!(broker.url, name), 300, 'each event stored once');
    assert.deepEqual(
      all.records.map((r) => r.name),
      Array.from({ length: 300 }, (_, i) => `f${i + 1}`),
    );
    assert.equal(new Set(all.records.map((r) => r.id)).size, 300);
    second.child.kill('SIGTERM');
    assert.equal(await second.exited, 0);
  });
}

test('tswatch tail follows two agents (--host alpha, --host beta) on one stream, with --host and --format %H', async () => {
  const nats = await Broker.nats();
  const url = `nats://${nats.url}/fleet.two`;
  const [dirA, dirB] = [tmpDir(), tmpDir()];
  const alpha = await agent(url, 'alpha', tmpDir(), dirA);
  touch(dirA, 1, 1); // makes the stream, so tail can follow it from now
  await waitFor(() => outboxesEmpty(alpha.child.spawnargs[alpha.child.spawnargs.indexOf('--outbox') + 1]!), 'the first event sent');
  const tail = spawnTswatch(['tail', url, '--count', '4']);
  const onlyBeta = spawnTswatch(['tail', url, '--host', 'b*', '--format', '%H %w%f %e', '--json']);
  await tail.waitStderr('Following');
  await onlyBeta.waitStderr('--format and --json cannot be combined');
  const beta = spawnTswatch(['tail', url, '--host', 'b*', '--format', '[%H] %f %e']);
  const json = spawnTswatch(['tail', url, '--json', '--count', '4']);
  const agentB = await agent(url, 'beta', tmpDir(), dirB);
  await beta.waitStderr('Following');
  await json.waitStderr('Following');
  touch(dirA, 2, 2);
  touch(dirB, 1, 2);
  await tail.waitLines(4);
  assert.equal(await tail.exited, 0);
  const lines = tail.lines().sort();
  assert.deepEqual(
    lines,
    [`alpha ${dirA}/ CREATE f2`, `alpha ${dirA}/ CREATE f3`, `beta ${dirB}/ CREATE f1`, `beta ${dirB}/ CREATE f2`].sort(),
  );
  await beta.waitLines(2);
  assert.deepEqual(beta.lines(), ['[beta] f1 CREATE', '[beta] f2 CREATE']);
  await json.waitLines(4);
  const records = json.lines().map((l) => JSON.parse(l) as FleetRecord);
  assert.deepEqual(records.map((r) => r.host).sort(), ['alpha', 'alpha', 'beta', 'beta']);
  assert.ok(records.every((r) => /^(alpha|beta):/.test(r.id) && r.maskname === 'IN_CREATE'));
  for (const cli of [alpha, agentB, beta]) cli.child.kill('SIGTERM');
});

test('--outbox-max: a full outbox drops the oldest events, and says how many on stderr; the rest wait', async () => {
  const url = `nats://127.0.0.1:${await freePort()}/fleet.none`; // no broker there
  const watched = tmpDir();
  const cli = spawnTswatch(['-m', '-e', 'create', '--sink', url, '--outbox', tmpDir(), '--outbox-max', '64k', watched]);
  await cli.waitStderr('Watches established.');
  touch(watched, 1, 3000);
  await cli.waitStderr('events wait in the outbox, retrying');
  await cli.waitStderr('outbox full, dropped the');
  await cli.waitLines(3000); // every create seen (printed, and so published), before it is stopped
  cli.child.kill('SIGTERM');
  assert.equal(await cli.exited, 0);
  const left = Number(/: (\d+) events stay in the outbox/.exec(cli.stderr)?.[1]);
  const dropped = Number(/: (\d+) events were dropped \(outbox full\)/.exec(cli.stderr)?.[1]);
  assert.ok(dropped > 0 && left > 0, cli.stderr);
  assert.equal(left + dropped, 3000, 'every event is either waiting or counted as dropped');
});

test('bad --sink, --since and a stray --host are errors naming the flag, the value and the fix', async () => {
  const bad = spawnTswatch(['--sink', 'kafka://x/y', tmpDir()]);
  assert.equal(await bad.exited, 1);
  assert.match(bad.stderr, /--sink: 'kafka:\/\/x\/y': unknown scheme 'kafka:'/);
  assert.match(bad.stderr, /nats:\/\/HOST:4222\/SUBJECT/);
  const since = spawnTswatch(['tail', 'nats://127.0.0.1:1/x', '--since', 'yesterday-ish']);
  assert.equal(await since.exited, 1);
  assert.match(since.stderr, /--since: 'yesterday-ish' is neither a date nor a duration/);
  const proc = spawnTswatch(['--sink', 'file:///tmp/x.jsonl', '--outbox', '/proc/tswatch-outbox', tmpDir()]);
  assert.equal(await proc.exited, 1);
  assert.match(proc.stderr, /outbox \/proc\/tswatch-outbox: .*\n {2}give --outbox a directory you can write to/);
  const host = spawnTswatch(['--host', 'a', tmpDir()]);
  assert.equal(await host.exited, 1);
  assert.match(host.stderr, /--host needs --sink/);
  // A newline in the host would make every record unsendable over NATS (its id is a header): refused now.
  const newline = spawnTswatch(['--sink', 'file:///tmp/x.jsonl', '--host', 'web1\nevil', tmpDir()]);
  assert.equal(await newline.exited, 1);
  assert.match(newline.stderr, /--host: "web1\\nevil" has a control character/);
});
