/** AlertEmail fed by a fleet stream (real brokers on 127.0.0.1, records published as agents do). */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createClient } from 'redis';
import { test } from 'node:test';
import { AlertEmail, type AlertOptions, type Digest } from '../../../recipes/alert/index.js';
import type { FleetPublisher } from '../../../recipes/fleet/index.js';
import { Event, IN_CLOSE_WRITE, IN_CREATE, IN_Q_OVERFLOW } from '../../../src/index.js';
import { Broker, freePort } from '../../helpers/brokers.js';
import { openPublisher, publishCreates } from '../../helpers/fleet.js';
import { startSmtpSink } from '../../helpers/smtp-sink.js';
import { tmpDir } from '../../helpers/tmp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';

type Options = Partial<AlertOptions> & Pick<AlertOptions, 'stream'>;
type Hooks = { after: (fn: () => unknown) => void };

/** A publisher as an agent named `host` has, closed when the test ends (before its outbox is removed). */
async function agent(t: Hooks, url: string, host: string): Promise<FleetPublisher> {
  let publisher: FleetPublisher | undefined;
  t.after(() => publisher?.close(100));
  publisher = await openPublisher(url, host);
  return publisher;
}

/** An AlertEmail on a stream, collecting digests and errors; stopped when the test ends. */
async function startAlert(t: Hooks, options: Options) {
  let stopped = false;
  const stop = async () => {
    if (!stopped) await alert.stop();
    stopped = true;
  };
  t.after(stop); // before tmpDir's hook, which removes the spool
  const alert = new AlertEmail(
    {
      rules: [{ paths: ['/'], recursive: true }],
      mail: { to: ['ops@example.com'] },
      spoolDir: join(tmpDir(), 'spool'),
      window: 0.2,
      dryRun: true,
      ...options,
    },
    { dryRunOut: sinkhole() },
  );
  const digests: Digest[] = [];
  const errors: Error[] = [];
  alert.on('digest', (d: Digest) => digests.push(d));
  alert.on('error', (err: Error) => errors.push(err));
  await alert.start();
  const paths = () => digests.flatMap((d) => d.groups.map((g) => g.path));
  return { alert, digests, errors, paths, stop };
}

function sinkhole() {
  return { write: () => true } as unknown as NodeJS.WritableStream & import('node:stream').Writable;
}

const publish = (p: FleetPublisher, pathname: string, mask = IN_CREATE): void => {
  const slash = pathname.lastIndexOf('/');
  p.publish(new Event({ wd: 1, mask, path: pathname.slice(0, slash), name: pathname.slice(slash + 1) }));
  p.flush();
};

test("nats: one mail through a real SMTP server names each host's files as HOST:/path, from the rule's hosts only", {
  timeout: 60_000,
}, async (t) => {
  const [nats, sink] = await Promise.all([Broker.nats(), startSmtpSink()]);
  const url = `nats://${nats.url}/fleet.mail`;
  const [web1, web2, db] = await Promise.all([agent(t, url, 'web1'), agent(t, url, 'web2'), agent(t, url, 'db')]);
  const a = await startAlert(t, {
    stream: url,
    rules: [{ name: 'www', paths: ['/srv/www'], recursive: true, hosts: ['web*'], events: ['close_write'] }],
    smtp: { url: sink.url },
    dryRun: false,
    window: 1,
  });
  publish(web1, '/srv/www/index.html', IN_CLOSE_WRITE);
  publish(web2, '/srv/www/a/b.css', IN_CLOSE_WRITE);
  publish(db, '/srv/www/db.html', IN_CLOSE_WRITE); // not a web host
  publish(web1, '/srv/other/x', IN_CLOSE_WRITE); // not under the rule's path
  publish(web1, '/srv/www/new', IN_CREATE); // not the rule's event
  await sink.until(1);
  const { mail } = sink.received[0]!;
  assert.match(mail.subject ?? '', /^\[tswatch\] www on web1, web2: 2 events in 2 paths$/);
  assert.match(mail.text ?? '', /^web1:\/srv\/www\/index\.html \(1\)\n {2}\d\d:\d\d:\d\d {2}CLOSE_WRITE,CLOSE$/m);
  assert.match(mail.text ?? '', /^web2:\/srv\/www\/a\/b\.css \(1\)$/m);
  assert.ok(String(mail.html).includes('<code>web2:/srv/www/a/b.css</code>'));
  assert.ok(!/db\.html|other|new|Host report/.test(mail.text ?? ''), mail.text);
  assert.deepEqual(a.digests[0]!.hosts, ['web1', 'web2']);
  assert.equal(mail.headers.get('x-tswatch-hosts'), 'web1, web2');
  assert.deepEqual(a.errors, []);
});

test("redis: findings carry the time the event happened on its host; an agent's queue overflow is its own finding", {
  timeout: 60_000,
}, async (t) => {
  const redis = await Broker.redis();
  const url = `redis://${redis.url}/fleet:times`;
  const alpha = await agent(t, url, 'alpha');
  const a = await startAlert(t, { stream: url });
  const then = new Date(Date.now() - 3_600_000);
  alpha.publish(new Event({ wd: 1, mask: IN_CREATE, path: '/etc', name: 'old' }), then);
  alpha.publish(new Event({ wd: -1, mask: IN_Q_OVERFLOW, path: '' }));
  alpha.flush();
  await waitFor(() => a.digests.length > 0 && a.paths().length === 2, 'a digest with both');
  const findings = a.digests.flatMap((d) => d.groups.flatMap((g) => g.findings));
  assert.deepEqual(
    findings.map((f) => [f.path, f.host]),
    [
      ['alpha:/etc/old', 'alpha'],
      ['alpha:(all watched paths)', 'alpha'],
    ],
  );
  assert.equal(findings[0]!.time, then.getTime());
  assert.match(findings[1]!.what, /overflowed/);
});

// (NATS recovers too, but its ordered consumer notices the restart only by missed heartbeats, ~15 s.)
for (const kind of ['redis', 'mqtt'] as const) {
  test(`${kind}: broker restarted under a running alert: events published after it came back are mailed, nothing crashes`, {
    timeout: 120_000,
  }, async (t) => {
    const broker = await (kind === 'redis' ? Broker.redis() : Broker.mosquitto());
    const url = `${kind}://${broker.url}/fleet.restart`;
    const alpha = await agent(t, url, 'alpha');
    const a = await startAlert(t, { stream: url, durable: false });
    publishCreates(alpha, 1);
    await waitFor(() => a.paths().includes('alpha:/watched/f1'), 'f1 before the restart');
    await broker.stop();
    await broker.start();
    // Published until one arrives: an MQTT subscription made again after the restart sees only what comes
    // later. Bounded in all (once 200 tries of up to 20 s each: over an hour before it could fail).
    const deadline = Date.now() + 60_000;
    for (let i = 2; !a.paths().some((p) => p !== 'alpha:/watched/f1'); i++) {
      if (Date.now() > deadline)
        assert.fail(
          `nothing mailed within 60 s of the restart (${i - 2} published, ${alpha.status()[0]!.pending} not sent): ${a.errors.join('\n')}`,
        );
      publishCreates(alpha, 1, i);
      await waitFor(() => a.paths().length > 1 || alpha.status()[0]!.pending === 0, 'a publish', 5_000).catch(() => {});
    }
    assert.ok(
      a.errors.every((err) => err.message.startsWith(`stream ${url}: `)),
      a.errors.join('\n'),
    );
  });
}

test('a stream that fails while followed: the error is reported, the stream opened again, later events mailed', {
  timeout: 60_000,
}, async (t) => {
  const redis = await Broker.redis();
  const url = `redis://${redis.url}/fleet:broken`;
  const alpha = await agent(t, url, 'alpha');
  const a = await startAlert(t, { stream: url, durable: false });
  publishCreates(alpha, 1);
  await waitFor(() => a.paths().includes('alpha:/watched/f1'), 'f1');
  const client = createClient({ url: `redis://${redis.url}` });
  await client.connect();
  await client.sendCommand(['DEL', 'fleet:broken']);
  await client.sendCommand(['SET', 'fleet:broken', 'not a stream']); // XREAD fails with WRONGTYPE
  await waitFor(() => a.errors.length > 0, 'the failure reported');
  assert.match(a.errors[0]!.message, new RegExp(`^stream ${url}: WRONGTYPE`));
  assert.match((a.errors[0] as Error & { hint?: string }).hint ?? '', /following it again in 0\.5 s/);
  await client.sendCommand(['DEL', 'fleet:broken']);
  await client.quit();
  publishCreates(alpha, 1, 2); // a stream again
  await waitFor(() => a.paths().includes('alpha:/watched/f2'), 'f2, read after the stream was opened again', 15_000);
});

test('broker down at start: start() fails with an error naming the stream and what to do', { timeout: 60_000 }, async () => {
  for (const scheme of ['nats', 'redis', 'mqtt']) {
    const url = `${scheme}://127.0.0.1:${await freePort()}/fleet`;
    const alert = new AlertEmail({
      rules: [{ paths: ['/etc'] }],
      mail: { to: ['ops@example.com'] },
      spoolDir: join(tmpDir(), 'spool'),
      stream: url,
    });
    await assert.rejects(alert.start(), (err: Error & { code?: string; hint?: string }) => {
      assert.equal(err.code, 'ECONNREFUSED', `${scheme}: ${err.message}`);
      assert.ok(err.message.startsWith(`${url}: nothing listens there`), err.message);
      assert.match(err.hint ?? '', /is the broker running, and is the host:port right\?/);
      return true;
    });
  }
});

test('default durable consumer: an alert stopped and started again gets what was published meanwhile', { timeout: 60_000 }, async (t) => {
  const [nats, sink] = await Promise.all([Broker.nats(), startSmtpSink()]);
  const url = `nats://${nats.url}/fleet.durable`;
  const alpha = await agent(t, url, 'alpha');
  // Not a dry run: a dry run takes no default consumer (it must not take the real alert's events).
  const real = { stream: url, dryRun: false, smtp: { url: sink.url } };
  const first = await startAlert(t, real);
  publishCreates(alpha, 1);
  await waitFor(() => first.paths().includes('alpha:/watched/f1'), 'f1 while running');
  await first.stop();
  publishCreates(alpha, 2, 2); // while no alert runs
  await waitFor(() => alpha.status()[0]!.pending === 0, 'f2, f3 in the broker');
  const second = await startAlert(t, real);
  await waitFor(() => second.paths().length >= 2, 'f2 and f3 after the restart', 10_000);
  assert.deepEqual(second.paths().sort(), ['alpha:/watched/f2', 'alpha:/watched/f3']);
});
