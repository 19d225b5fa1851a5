/** `tswatch exec --stream`: a fleet stream (real nats-server / redis-server on 127.0.0.1) as exec's input. */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { IN_CLOSE_WRITE, IN_DELETE } from '../../../src/index.js';
import { Broker, freePort } from '../../helpers/brokers.js';
import { spawnTswatch } from '../../helpers/spawn-cli.js';
import { closePublishers, publisher, recorder, runs, send, stop } from '../../helpers/stream-publishers.js';
import { tmpDir } from '../../helpers/tmp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';

after(closePublishers); // a test that failed half-way

const BROKERS = { nats: () => Broker.nats(), redis: () => Broker.redis(), mqtt: () => Broker.mosquitto() };
const SEPARATOR = { nats: '.', redis: ':', mqtt: '/' };

for (const kind of ['nats', 'redis', 'mqtt'] as const) {
  test(`exec --stream ${kind}://: both hosts' events, each once and in order per host; hostile paths and host names are literal argv`, async () => {
    const broker = await BROKERS[kind]();
    const url = `${kind}://${broker.url}/fleet${SEPARATOR[kind]}exec`;
    const top = tmpDir();
    const out = join(top, 'out');
    const exec = spawnTswatch(['exec', '--stream', url, '--', ...recorder(out), '{host}', '{path}', '{event}']);
    await exec.waitStderr('Watches established.');
    const alpha = await publisher(url, 'alpha');
    const beta = await publisher(url, 'beta');
    const evilHost = `h$(touch ${top}/pwned-host);x y`; // (a newline cannot be in a NATS message id)
    const evil = await publisher(url, evilHost);
    const hostileDir = `/srv/$(touch ${top}/pwned)`;
    const hostileName = 'a;touch pwned2\nb';
    for (let i = 1; i <= 5; i++) {
      send(alpha, IN_CLOSE_WRITE, '/srv/a', `f${i}`);
      send(beta, IN_CLOSE_WRITE, '/srv/b', `g${i}`);
    }
    send(alpha, IN_CLOSE_WRITE, hostileDir, hostileName);
    send(evil, IN_DELETE, '/srv/e', '`touch pwned3`');
    await waitFor(() => runs(out, 3).length >= 12, `12 runs: ${JSON.stringify(runs(out, 3))}\n${exec.stderr}`);
    send(alpha, IN_CLOSE_WRITE, '/srv/a', 'last'); // a marker: what came before it has run
    await waitFor(() => runs(out, 3).some((r) => r[1] === '/srv/a/last'), 'the marker');
    const got = runs(out, 3);
    const of = (host: string): string[][] => got.filter((r) => r[0] === host);
    assert.equal(got.length, 13, 'each event once');
    assert.deepEqual(of('alpha'), [
      ...[1, 2, 3, 4, 5].map((i) => ['alpha', `/srv/a/f${i}`, 'CLOSE_WRITE,CLOSE']),
      ['alpha', `${hostileDir}/${hostileName}`, 'CLOSE_WRITE,CLOSE'],
      ['alpha', '/srv/a/last', 'CLOSE_WRITE,CLOSE'],
    ]);
    assert.deepEqual(
      of('beta'),
      [1, 2, 3, 4, 5].map((i) => ['beta', `/srv/b/g${i}`, 'CLOSE_WRITE,CLOSE']),
    );
    assert.deepEqual(of(evilHost), [[evilHost, '/srv/e/`touch pwned3`', 'DELETE']]);
    for (const file of ['pwned', 'pwned-host', 'pwned2', 'pwned3'])
      assert.ok(!existsSync(join(top, file)) && !existsSync(file), `${file} was created`);
    assert.equal(await stop(exec), 0);
    await closePublishers();
  });
}

test('exec --stream: --from-host, -e, path prefixes, --glob and --exclude select the events; --shell gets TSWATCH_HOST', async () => {
  const broker = await Broker.nats();
  const url = `nats://${broker.url}/fleet.filters`;
  const out = join(tmpDir(), 'out');
  const exec = spawnTswatch([
    'exec',
    '--stream',
    url,
    '--from-host',
    'web*',
    '--from-host',
    'api',
    '-e',
    'delete',
    '--glob',
    '*.html',
    '--exclude',
    'skip',
    '/srv/www',
    '/srv/api/',
    '--shell',
    '--',
    `printf '%s\\0' "$TSWATCH_HOST" "$1" >> '${out}'`,
  ]);
  await exec.waitStderr('Watches established.');
  const web1 = await publisher(url, 'web1');
  const db1 = await publisher(url, 'db1');
  const api = await publisher(url, 'api');
  send(web1, IN_DELETE, '/srv/www', 'a.html'); // yes
  send(web1, IN_CLOSE_WRITE, '/srv/www', 'b.html'); // not a delete
  send(web1, IN_DELETE, '/srv/www', 'c.txt'); // not *.html
  send(web1, IN_DELETE, '/srv/www/skip', 'd.html'); // --exclude
  send(web1, IN_DELETE, '/srv/wwwx', 'e.html'); // not under /srv/www
  send(web1, IN_DELETE, '/srv/other', 'f.html'); // not under either path
  send(db1, IN_DELETE, '/srv/www', 'g.html'); // not a web* host
  send(api, IN_DELETE, '/srv/api/deep/er', 'h.html'); // yes: any depth below a path
  send(web1, IN_DELETE, '/srv/www', 'z.html'); // yes, and the last
  // The last of each publisher (their order between them is the broker's):
  await waitFor(
    () => ['/srv/www/z.html', '/srv/api/deep/er/h.html'].every((path) => runs(out, 2).some((r) => r[1] === path)),
    'the last events',
  );
  const got = runs(out, 2);
  assert.deepEqual(
    got.filter((r) => r[0] === 'web1'),
    [
      ['web1', '/srv/www/a.html'],
      ['web1', '/srv/www/z.html'],
    ],
  );
  assert.deepEqual(
    got.filter((r) => r[0] !== 'web1'),
    [['api', '/srv/api/deep/er/h.html']],
  );
  assert.equal(await stop(exec), 0);
  await closePublishers();
});

test('run --config: a stream: watch (a real agent behind redis) beside a local watch; {host} is the origin or this host', async () => {
  const broker = await Broker.redis();
  const url = `redis://${broker.url}/fleet`;
  const [root, agentDir, localDir] = [tmpDir(), tmpDir(), tmpDir()];
  const [fleetOut, localOut] = [join(root, 'fleet.out'), join(root, 'local.out')];
  const agent = spawnTswatch(['-m', '-e', 'close_write', '--sink', url, '--host', 'alpha', '--outbox', tmpDir(), agentDir]);
  await agent.waitStderr('Watches established.');
  const config = join(root, 'tswatch.yaml');
  writeFileSync(
    config,
    `watches:
  - name: fleet
    stream: { url: '${url}' }
    hosts: alpha
    exec: ${JSON.stringify([...recorder(fleetOut), '{host}', '{path}'])}
  - name: local
    paths: ${JSON.stringify(localDir)}
    exec: ${JSON.stringify([...recorder(localOut), '{host}', '{path}'])}
`,
  );
  const socket = join(root, 'ctl.sock');
  const run = spawnTswatch(['run', '--config', config, '--socket', socket]);
  await run.waitStderr('Watches established.');
  const beta = await publisher(url, 'beta');
  send(beta, IN_CLOSE_WRITE, '/elsewhere', 'not-mine');
  writeFileSync(join(agentDir, 'remote.txt'), 'x');
  writeFileSync(join(localDir, 'here.txt'), 'x');
  await waitFor(() => runs(fleetOut, 2).length >= 1 && runs(localOut, 2).length >= 1, `both watches ran: ${run.stderr}`);
  writeFileSync(join(agentDir, 'remote2.txt'), 'x');
  await waitFor(() => runs(fleetOut, 2).length >= 2, 'the second remote event');
  assert.deepEqual(runs(fleetOut, 2), [
    ['alpha', join(agentDir, 'remote.txt')],
    ['alpha', join(agentDir, 'remote2.txt')],
  ]);
  assert.deepEqual(runs(localOut, 2), [[hostname(), join(localDir, 'here.txt')]]);
  const ctl = spawnTswatch(['ctl', 'status', '--socket', socket]);
  assert.equal(await ctl.exited, 0);
  const row = ctl.lines().find((line) => line.startsWith('fleet '));
  assert.match(
    row ?? '',
    /^fleet +idle +0 +2 +0 +0 +0 +- +\S+ CLOSE_WRITE,CLOSE \S+remote2\.txt +redis:\/\/127\.0\.0\.1:\d+\/fleet \/$/,
    ctl.stdout,
  );
  assert.equal(await stop(run), 0);
  assert.equal(await stop(agent), 0);
  await closePublishers();
});

test('run --config with sinks: a stream: watch on the same stream does not publish its events again (no loop)', async () => {
  const broker = await Broker.redis();
  const url = `redis://${broker.url}/fleet:relay`;
  const [root, dir] = [tmpDir(), tmpDir()];
  const out = join(root, 'out');
  const config = join(root, 'tswatch.yaml');
  writeFileSync(
    config,
    `sinks: ['${url}']
host: relay
outbox: { dir: ${JSON.stringify(join(root, 'outbox'))} }
watches:
  - name: fleet
    stream: '${url}'
    exec: ${JSON.stringify([...recorder(out), '{host}', '{path}'])}
  - name: here
    paths: ${JSON.stringify(dir)}
`,
  );
  const run = spawnTswatch(['run', '--config', config]);
  await run.waitStderr('Watches established.');
  send(await publisher(url, 'alpha'), IN_CLOSE_WRITE, '/srv', 'a');
  await waitFor(() => runs(out, 2).length === 1, `alpha's event: ${run.stderr}`);
  // Published by this daemon after alpha's event was taken: were that one published again, it would come first.
  writeFileSync(join(dir, 'local'), 'x');
  await waitFor(() => runs(out, 2).length >= 2, `the local event, back through the stream: ${run.stderr}`);
  assert.deepEqual(runs(out, 2), [
    ['alpha', '/srv/a'],
    ['relay', join(dir, 'local')],
  ]);
  assert.equal(await stop(run), 0);
  await closePublishers();
});

test('exec --stream: a broker that goes away and comes back is followed again; nothing crashes', async () => {
  const broker = await Broker.redis();
  const url = `redis://${broker.url}/fleet:blink`;
  const out = join(tmpDir(), 'out');
  const exec = spawnTswatch(['exec', '--stream', url, '--', ...recorder(out), '{path}']);
  await exec.waitStderr('Watches established.');
  const p = await publisher(url, 'alpha');
  send(p, IN_CLOSE_WRITE, '/srv', 'before');
  await waitFor(() => runs(out, 1).length === 1, 'the first event');
  await broker.stop();
  await broker.start();
  send(p, IN_CLOSE_WRITE, '/srv', 'after');
  await waitFor(() => runs(out, 1).length === 2, `the event after the restart: ${exec.stderr}`, 20_000);
  assert.deepEqual(runs(out, 1), [['/srv/before'], ['/srv/after']]);
  assert.equal(exec.child.exitCode, null, 'still running');
  assert.equal(await stop(exec), 0);
  await closePublishers();
});

test('exec --stream: messages that are not tswatch records are reported and passed over; the stream goes on', async () => {
  const broker = await Broker.redis();
  const url = `redis://${broker.url}/fleet:junk`;
  const out = join(tmpDir(), 'out');
  // Durable: a message that stopped the stream would be met again at every start.
  const exec = spawnTswatch(['exec', '--stream', url, '--durable', 'junk-test', '--', ...recorder(out), '{path}']);
  await exec.waitStderr('Watches established.');
  const { createClient } = await import('redis');
  const client = createClient({ url: `redis://${broker.url}` });
  await client.connect();
  await client.xAdd('fleet:junk', '*', { id: 'x', host: 'x', event: '{not json' });
  await client.xAdd('fleet:junk', '*', { id: 'y', host: 'y', event: '{"hello":"world"}' });
  await client.quit();
  const p = await publisher(url, 'alpha');
  send(p, IN_CLOSE_WRITE, '/srv', 'after');
  await waitFor(() => runs(out, 1).length > 0, `the event after the junk: ${exec.stderr}`);
  assert.deepEqual(runs(out, 1), [['/srv/after']]);
  assert.match(
    exec.stderr,
    /tswatch: stream redis:\/\/127\.0\.0\.1:\d+\/fleet:junk: skipped a message that is not a tswatch record: "\{not json"\n {2}only tswatch --sink agents/,
  );
  assert.match(exec.stderr, /skipped a message that is not a tswatch record: "\{\\"hello\\":\\"world\\"\}"/);
  assert.ok(!exec.stderr.includes('following it again'), exec.stderr);
  assert.equal(exec.child.exitCode, null, 'still running');
  assert.equal(await stop(exec), 0);
  await closePublishers();
});

test('exec --stream an unreachable broker: a clear error naming the URL, exit 1', async () => {
  for (const scheme of ['nats', 'redis']) {
    const url = `${scheme}://127.0.0.1:${await freePort()}/nothing`;
    const exec = spawnTswatch(['exec', '--stream', url, '--', 'true']);
    assert.equal(await exec.exited, 1);
    // The URL, why (the broker client's words), and a hint about the broker.
    assert.match(exec.stderr, new RegExp(`^tswatch: (stream )?${url.replace(/[/.]/g, '\\$&')}: .+\\n  .*broker`));
  }
});

test('exec --stream: wrong flags are errors naming the flag and the fix', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['--durable', 'd', tmpDir()], /--durable applies to a fleet stream only\n {2}add --stream URL/],
    [['--from-host', 'a*', tmpDir()], /--from-host applies to a fleet stream only/],
    [['--stream', 'http://127.0.0.1:1/x'], /--stream: 'http:\/\/127\.0\.0\.1:1\/x' cannot be followed\n {2}follow nats:\/\//],
    [['--stream', 'nats://127.0.0.1:1/x', 'www'], /'www': with --stream, paths are prefixes of the agents' absolute paths/],
    [['--stream', 'nats://127.0.0.1:1/x', '-r', '/srv'], /-r has no meaning with --stream/],
    [['--stream', 'nats://127.0.0.1:1/x', '--since', 'soonish'], /--since: 'soonish' is neither a date nor a duration/],
  ];
  for (const [args, message] of cases) {
    const exec = spawnTswatch(['exec', ...args, '--', 'true']);
    assert.equal(await exec.exited, 1, args.join(' '));
    assert.match(exec.stderr, message);
  }
  const broker = await Broker.nats();
  const own = spawnTswatch(['exec', '--stream', `nats://${broker.url}/x`, '--ignore-own', '--', 'true']);
  assert.equal(await own.exited, 1);
  assert.match(own.stderr, /--ignore-own \(ignoreOwn\) needs local paths/);
});
