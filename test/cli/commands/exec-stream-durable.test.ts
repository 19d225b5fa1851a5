/** `--stream` with a durable consumer, and restart following a stream (real nats-server / redis-server on 127.0.0.1). */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { IN_CLOSE_WRITE } from '../../../src/index.js';
import { Broker } from '../../helpers/brokers.js';
import { spawnTswatch } from '../../helpers/spawn-cli.js';
import { closePublishers, publisher, recorder, runs, send, stop } from '../../helpers/stream-publishers.js';
import { tmpDir } from '../../helpers/tmp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';

after(closePublishers); // a test that failed half-way

// Durable consumers came with `tail --durable`.
for (const kind of ['nats', 'redis'] as const) {
  test(`exec --stream ${kind}:// --durable: a restarted exec runs the command for what was published while it was down`, async () => {
    const broker = await (kind === 'nats' ? Broker.nats() : Broker.redis());
    const url = `${kind}://${broker.url}/fleet${kind === 'nats' ? '.' : ':'}durable`;
    const out = join(tmpDir(), 'out');
    const args = ['exec', '--stream', url, '--durable', 'deployer', '--', ...recorder(out), '{path}'];
    const first = spawnTswatch(args);
    await first.waitStderr('Watches established.');
    const p = await publisher(url, 'alpha');
    send(p, IN_CLOSE_WRITE, '/srv', 'one');
    await waitFor(() => runs(out, 1).length === 1, 'the first event');
    assert.equal(await stop(first), 0);
    send(p, IN_CLOSE_WRITE, '/srv', 'two');
    send(p, IN_CLOSE_WRITE, '/srv', 'three');
    await waitFor(() => p.status().every((s) => s.pending === 0), 'published');
    const second = spawnTswatch(args);
    await second.waitStderr('Watches established.');
    await waitFor(() => runs(out, 1).length >= 3, `the events published meanwhile: ${second.stderr}`);
    send(p, IN_CLOSE_WRITE, '/srv', 'four');
    await waitFor(() => runs(out, 1).length >= 4, 'a new event');
    assert.deepEqual(runs(out, 1), [['/srv/one'], ['/srv/two'], ['/srv/three'], ['/srv/four']]);
    assert.equal(await stop(second), 0);
    await closePublishers();
  });
}

test('restart --stream: the command is restarted by a change on another host', async () => {
  const broker = await Broker.redis();
  const url = `redis://${broker.url}/fleet:restart`;
  const log = join(tmpDir(), 'log');
  const run = spawnTswatch(['restart', '--stream', url, '/etc/app', '--', 'sh', '-c', `echo started >> '${log}'; exec sleep 1000`]);
  await run.waitStderr('Watches established.');
  await waitFor(() => existsSync(log) && readFileSync(log, 'utf8') === 'started\n', 'the first start');
  const p = await publisher(url, 'cfg1');
  send(p, IN_CLOSE_WRITE, '/etc/other', 'x.conf'); // not under /etc/app
  send(p, IN_CLOSE_WRITE, '/etc/app', 'app.conf');
  await waitFor(() => readFileSync(log, 'utf8') === 'started\nstarted\n', `a restart: ${run.stderr}`);
  run.child.kill('SIGTERM');
  await run.exited;
  assert.equal(readFileSync(log, 'utf8'), 'started\nstarted\n');
  await closePublishers();
});
