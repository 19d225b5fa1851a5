import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { join } from 'node:path';
import { test } from 'node:test';
import { FleetPublisher, fleetRecords, type SinkConfig } from '../../../recipes/fleet/index.js';
import { TswatchError } from '../../../src/index.js';
import { Broker, type BrokerSecurity } from '../../helpers/brokers.js';
import { follow, publishCreates } from '../../helpers/fleet.js';
import { spawnTswatch } from '../../helpers/spawn-cli.js';
import { testCerts } from '../../helpers/test-certs.js';
import { tmpDir } from '../../helpers/tmp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';

type Env = Record<string, string>;

const certs = testCerts();
const SECRET = 'pw-s3cret';
const WRONG = 'wrong-s3cret';

/** Run `fn` with these TSWATCH_* variables set (and no others). */
async function withEnv<T>(env: Env, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('TSWATCH_')));
  for (const k of Object.keys(saved)) delete process.env[k];
  Object.assign(process.env, env);
  try {
    return await fn();
  } finally {
    for (const k of Object.keys(process.env)) if (k.startsWith('TSWATCH_')) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

/** A file holding `text` (a password file, as a user would make one). */
function secretFile(text: string): string {
  const file = join(tmpDir(), 'secret');
  writeFileSync(file, `${text}\n`, { mode: 0o600 });
  return file;
}

/** 10 events through a sink configured so, until the destination acknowledged them. */
async function deliver(config: SinkConfig, env: Env = {}): Promise<void> {
  await withEnv(env, async () => {
    const publisher = await FleetPublisher.open({ sinks: [config], host: 'h1', outbox: { dir: tmpDir() }, retryMaxMs: 200 });
    publishCreates(publisher, 10);
    await waitFor(() => publisher.status()[0]!.pending === 0, `10 delivered to ${config.url}`);
    await publisher.close();
  });
}

/** What a sink that cannot get in says on stderr (once, when it starts failing). */
async function sinkSays(config: SinkConfig, env: Env): Promise<string> {
  return withEnv(env, async () => {
    let said = '';
    const publisher = await FleetPublisher.open({ sinks: [config], host: 'h1', outbox: { dir: tmpDir() } }, (text) => (said += text));
    publishCreates(publisher, 1);
    await waitFor(() => said.includes('retrying'), `${config.url} to say it fails`);
    assert.equal(publisher.status()[0]!.pending, 1, 'the event waits in the outbox');
    await publisher.close(0);
    return said;
  });
}

/** The error reading the stream ends with. */
async function readFails(url: string, env: Env): Promise<TswatchError> {
  return withEnv(env, async () => {
    try {
      for await (const record of await fleetRecords({ url })) assert.fail(`read ${record.id}`);
    } catch (err) {
      assert.ok(err instanceof TswatchError, `a TswatchError: ${(err as Error).stack}`);
      return err;
    }
    return assert.fail('the stream ended');
  });
}

/** The error names the sink, says what to set, and does not hold the secret. */
function assertSays(text: string, url: string, ...words: string[]): void {
  for (const word of [url, ...words]) assert.ok(text.includes(word), `${JSON.stringify(word)} in: ${text}`);
  assert.ok(!text.includes(WRONG) && !text.includes(SECRET), `no secret in: ${text}`);
}

const BROKERS = {
  nats: { start: (s: BrokerSecurity) => Broker.nats(s), scheme: 'nats', tlsScheme: 'nats', path: 'fleet.sec' },
  redis: { start: (s: BrokerSecurity) => Broker.redis(s), scheme: 'redis', tlsScheme: 'rediss', path: 'fleet:sec' },
  mqtt: { start: (s: BrokerSecurity) => Broker.mosquitto(s), scheme: 'mqtt', tlsScheme: 'mqtts', path: 'fleet/sec' },
};

for (const { start, tlsScheme, path } of Object.values(BROKERS)) {
  test(`${tlsScheme}:// over TLS: the CA from the sink's tls.ca and from TSWATCH_TLS_CA; another CA is refused, saying so`, async () => {
    const broker = await start({ tls: certs });
    const url = `${tlsScheme}://${broker.url}/${path}`;
    const seen = await withEnv({ TSWATCH_TLS_CA: certs.ca }, () => follow(url));
    await deliver({ url, tls: { ca: certs.ca } });
    await waitFor(() => seen.records.length >= 10, '10 records read over TLS');
    seen.stop();
    const hint = 'TSWATCH_TLS_CA';
    const err = await readFails(url, { TSWATCH_TLS_CA: certs.otherCa });
    assert.equal(err.code, 'ETLS');
    assertSays(err.describe(), url, 'TLS', hint);
    assertSays(await sinkSays({ url, tls: { ca: certs.otherCa } }, {}), url, 'TLS', 'tls.ca', hint);
    assertSays(await sinkSays({ url }, {}), url, 'TLS', hint); // no CA: the system's do not know it
  });
}

test('https:// webhook: the CA from tls.ca and from TSWATCH_TLS_CA; another CA is refused, saying so', async () => {
  let received = 0;
  const server = createServer({ cert: readFileSync(certs.cert), key: readFileSync(certs.key) }, (req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      received += (JSON.parse(body) as unknown[]).length;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
  try {
    await deliver({ url, tls: { ca: certs.ca } });
    await deliver({ url }, { TSWATCH_TLS_CA: certs.ca });
    assert.equal(received, 20);
    assertSays(await sinkSays({ url }, { TSWATCH_TLS_CA: certs.otherCa }), url, 'TLS', 'TSWATCH_TLS_CA');
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

interface AuthCase {
  kind: keyof typeof BROKERS;
  what: string;
  security: BrokerSecurity;
  /** Right credentials for the reader (environment) and for the sink (environment, files, config). */
  reader: Env;
  sink: (file: string) => { env: Env; config?: Partial<SinkConfig> };
  wrong: Env;
  variable: string;
}

const AUTH: AuthCase[] = [
  {
    kind: 'nats',
    what: 'a token (--auth)',
    security: { token: SECRET },
    reader: { TSWATCH_NATS_TOKEN: SECRET },
    sink: (file) => ({ env: { TSWATCH_NATS_TOKEN_FILE: file } }),
    wrong: { TSWATCH_NATS_TOKEN: WRONG },
    variable: 'TSWATCH_NATS_TOKEN',
  },
  {
    kind: 'nats',
    what: 'a user and password',
    security: { user: 'agent', password: SECRET },
    reader: { TSWATCH_NATS_USER: 'agent', TSWATCH_NATS_PASSWORD: SECRET },
    sink: (file) => ({ env: { TSWATCH_NATS_USER: 'agent' }, config: { passwordFile: file } }),
    wrong: { TSWATCH_NATS_USER: 'agent', TSWATCH_NATS_PASSWORD: WRONG },
    variable: 'TSWATCH_NATS_PASSWORD',
  },
  {
    kind: 'redis',
    what: 'a password (requirepass)',
    security: { password: SECRET },
    reader: { TSWATCH_REDIS_PASSWORD: SECRET },
    sink: (file) => ({ env: { TSWATCH_REDIS_PASSWORD_FILE: file } }),
    wrong: { TSWATCH_REDIS_PASSWORD: WRONG },
    variable: 'TSWATCH_REDIS_PASSWORD',
  },
  {
    kind: 'redis',
    what: 'an ACL user',
    security: { user: 'agent', password: SECRET },
    reader: { TSWATCH_REDIS_USER: 'agent', TSWATCH_REDIS_PASSWORD: SECRET },
    sink: (file) => ({ env: { TSWATCH_REDIS_USER: 'agent' }, config: { passwordFile: file } }),
    wrong: { TSWATCH_REDIS_USER: 'agent', TSWATCH_REDIS_PASSWORD: WRONG },
    variable: 'TSWATCH_REDIS_USER',
  },
  {
    kind: 'mqtt',
    what: 'a user in a password_file (no anonymous)',
    security: { user: 'agent', password: SECRET },
    reader: { TSWATCH_MQTT_USER: 'agent', TSWATCH_MQTT_PASSWORD: SECRET },
    sink: (file) => ({ env: { TSWATCH_MQTT_USER: 'agent', TSWATCH_MQTT_PASSWORD_FILE: file } }),
    wrong: { TSWATCH_MQTT_USER: 'agent', TSWATCH_MQTT_PASSWORD: WRONG },
    variable: 'TSWATCH_MQTT_PASSWORD',
  },
];

for (const c of AUTH) {
  test(`${c.kind} with ${c.what}: right credentials from the environment and from files deliver; wrong or none are refused, saying what to set`, async () => {
    const { start, scheme, path } = BROKERS[c.kind];
    const broker = await start(c.security);
    const url = `${scheme}://${broker.url}/${path}`;
    const seen = await withEnv(c.reader, () => follow(url));
    const sink = c.sink(secretFile(SECRET));
    await deliver({ url, ...sink.config }, sink.env);
    await waitFor(() => seen.records.length >= 10, '10 records read with credentials');
    seen.stop();
    for (const env of [c.wrong, {}]) {
      const err = await readFails(url, env);
      assert.equal(err.code, 'EACCES', err.message);
      assertSays(err.describe(), url, 'refused', c.variable);
    }
    assertSays(await sinkSays({ url }, c.wrong), url, 'refused', c.variable);
  });
}

test('CLI: tswatch --sink and tail over TLS with TSWATCH_TLS_CA and credentials from the environment; a wrong CA is said once, the event kept and sent once the CA is right', async () => {
  const broker = await Broker.mosquitto({ tls: certs, user: 'agent', password: SECRET });
  const url = `mqtts://${broker.url}/fleet/cli`;
  const env = { TSWATCH_TLS_CA: certs.ca, TSWATCH_MQTT_USER: 'agent', TSWATCH_MQTT_PASSWORD: SECRET };
  const [watched, outbox] = [tmpDir(), tmpDir()];
  const tail = spawnTswatch(['tail', url, '--format', '%H %f'], env);
  await tail.waitStderr('Following');
  const agent = (caFile: string): ReturnType<typeof spawnTswatch> =>
    spawnTswatch(['-m', '-e', 'create', '--sink', url, '--host', 'web1', '--outbox', outbox, watched], { ...env, TSWATCH_TLS_CA: caFile });
  const refused = agent(certs.otherCa);
  await refused.waitStderr('Watches established.');
  writeFileSync(join(watched, 'a'), '');
  await refused.waitStderr('retrying');
  refused.child.kill('SIGTERM');
  await refused.exited;
  assertSays(refused.stderr, url, 'TLS', 'TSWATCH_TLS_CA');
  assert.equal(refused.stderr.split('TLS:').length, 2, `said once: ${refused.stderr}`);
  assert.ok(refused.stderr.includes('events wait in the outbox'), refused.stderr);
  const trusting = agent(certs.ca); // the CA fixed: what waited in the outbox goes now
  await trusting.waitStderr('Watches established.');
  writeFileSync(join(watched, 'b'), '');
  await waitFor(() => tail.lines().length >= 2, `2 lines from tail: ${tail.stdout} ${tail.stderr}; the agent said: ${trusting.stderr}`);
  assert.deepEqual(tail.lines(), ['web1 a', 'web1 b']);
  trusting.child.kill('SIGTERM');
  tail.child.kill('SIGTERM');
  assert.equal(await trusting.exited, 0);
});
