/** `tswatch alert --stream URL`: one alerting host for the events agents publish (real brokers, SMTP, agents). */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Event, IN_CREATE } from '../../../src/index.js';
import { Broker, freePort } from '../../helpers/brokers.js';
import { follow, openPublisher, outboxesEmpty } from '../../helpers/fleet.js';
import { startSmtpSink } from '../../helpers/smtp-sink.js';
import { spawnTswatch } from '../../helpers/spawn-cli.js';
import { tmpDir } from '../../helpers/tmp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';

/** `tswatch -m -e create --sink URL --host HOST WATCHED`, up and watching. */
async function agent(url: string, host: string, watched: string, extra: string[] = []) {
  const outbox = tmpDir();
  const cli = spawnTswatch(['-m', '-e', 'create', '--sink', url, '--host', host, '--outbox', outbox, ...extra, watched]);
  await cli.waitStderr('Watches established.');
  return { cli, delivered: () => outboxesEmpty(outbox) };
}

/** `tswatch alert --stream URL ARGS…`, following. */
async function alert(url: string, args: string[]) {
  const cli = spawnTswatch(['alert', '--stream', url, '--spool', join(tmpDir(), 'spool'), ...args]);
  await cli.waitStderr('Following');
  return cli;
}

test("two agents (alpha, beta) publish; one alert mails a digest naming both hosts' files as HOST:/path", async () => {
  const [nats, sink] = await Promise.all([Broker.nats(), startSmtpSink()]);
  const url = `nats://${nats.url}/fleet.files`;
  const [dirA, dirB] = [tmpDir(), tmpDir()];
  const [alpha, beta] = await Promise.all([agent(url, 'alpha', dirA), agent(url, 'beta', dirB)]);
  const run = await alert(url, ['--window', '1', '--to', 'ops@example.com', '--smtp', sink.url]);
  assert.match(run.stderr, /Following nats:\/\/127\.0\.0\.1:\d+\/fleet\.files \(durable consumer tswatch-alert-.*-[0-9a-f]{8}\)\./);
  writeFileSync(join(dirA, 'passwd'), '');
  writeFileSync(join(dirB, 'a file; $(rm -rf ~)'), '');
  const expected = [`alpha:${dirA}/passwd`, `beta:${dirB}/a file; $(rm -rf ~)`];
  const text = () => sink.received.map((r) => r.mail.text ?? '').join('\n');
  await waitFor(() => expected.every((path) => text().includes(`${path} (1)`)), `mails naming ${expected.join(', ')}`);
  for (const { mail } of sink.received) {
    const hosts = ['alpha', 'beta'].filter((h) => mail.text?.includes(`${h}:`));
    assert.equal(
      mail.subject,
      `[tswatch] fleet.files on ${hosts.join(', ')}: ${hosts.length} event${hosts.length > 1 ? 's' : ''} in ${hosts.length} path${hosts.length > 1 ? 's' : ''}`,
    );
    assert.ok(!mail.text?.includes('Host report'), 'no host report by default: it would be about the alerting host');
  }
  await waitFor(() => run.stderr.includes('delivered'), 'the delivery said');
  for (const cli of [run, alpha.cli, beta.cli]) cli.child.kill('SIGTERM');
  assert.equal(await run.exited, 0, run.stderr);
});

test("--from-host, paths, --glob and --ignore choose among the fleet's events (matched by name, on the agents' paths)", async () => {
  const redis = await Broker.redis();
  const url = `redis://${redis.url}/fleet`;
  const dir = tmpDir();
  mkdirSync(join(dir, 'sub'));
  // Two agents on one directory, recursively: every file's events come from both hosts.
  const [alpha, beta] = await Promise.all([agent(url, 'alpha', dir, ['-r']), agent(url, 'beta', dir, ['-r'])]);
  const seen = await follow(url);
  const run = await alert(url, [dir, '--from-host', 'a*', '--glob', '*.conf', '--ignore', 'skip-*', '--dry-run', '--window', '0.2']);
  for (const name of ['skip-me.conf', 'notes.txt', 'app.conf', 'sub/deep.conf']) writeFileSync(join(dir, name), '');
  await waitFor(() => seen.records.length >= 8, "both agents' creates in the stream");
  // In the stream after all of those: once the alert mails about it, it has read them all.
  writeFileSync(join(dir, 'zz-last.conf'), '');
  await waitFor(() => run.stdout.includes(`alpha:${dir}/zz-last.conf`), 'the last file mailed');
  seen.stop();
  run.child.kill('SIGTERM');
  assert.equal(await run.exited, 0, run.stderr);
  assert.ok(run.stdout.includes(`alpha:${dir}/app.conf (1)`), run.stdout);
  // sub/deep.conf: under the path, but the rule is not recursive.
  for (const not of ['beta:', 'notes.txt', 'skip-me', 'deep.conf']) assert.ok(!run.stdout.includes(not), `${not} left out`);
  assert.match(run.stdout, /^Subject: \[tswatch\] .* on alpha: /m);
  for (const cli of [alpha.cli, beta.cli]) cli.child.kill('SIGTERM');
});

test('--since: events published before the alert started are mailed too', async () => {
  const redis = await Broker.redis();
  const url = `redis://${redis.url}/fleet:since`;
  const publisher = await openPublisher(url, 'gamma');
  publisher.publish(new Event({ wd: 1, mask: IN_CREATE, path: '/etc', name: 'cron.d' }));
  await publisher.close();
  const run = await alert(url, ['--since', '10m', '--no-durable', '--dry-run', '--window', '0.2']);
  assert.match(run.stderr, /\(no durable consumer\)/);
  await run.waitStdout('gamma:/etc/cron.d (1)');
  run.child.kill('SIGTERM');
  assert.equal(await run.exited, 0);
});

test('the broker down at start: exit 1 naming the stream and the fix; checks and stray stream flags are errors too', async () => {
  const down = `nats://127.0.0.1:${await freePort()}/fleet`;
  const cases: Array<[string[], RegExp]> = [
    [
      ['alert', '--stream', down, '--to', 'ops@example.com'],
      /^tswatch: nats:\/\/127\.0\.0\.1:\d+\/fleet: nothing listens there \(CONNECTION_REFUSED\)\n {2}is the broker running/m,
    ],
    [
      ['alert', '--stream', down, '/etc', '--checksum', '--to', 'a@b'],
      /--checksum cannot be used with --stream: checks read the files, which are on the watched hosts\n {2}run tswatch alert --checksum on the watched host itself/,
    ],
    [['alert', '--stream', down, '/var/log/x', '--match', 'ERROR', '--to', 'a@b'], /--match cannot be used with --stream/],
    [
      ['alert', '--stream', down, 'etc', '--to', 'a@b'],
      /rules\[0\]\.paths: "etc" is not valid\n {2}with `stream`, give absolute paths as they are on the watched hosts/,
    ],
    [['alert', '--stream', down, '--since', 'yesterday-ish', '--to', 'a@b'], /--since: 'yesterday-ish' is neither a date nor a duration/],
    [
      ['alert', '--stream', down, '--durable', 'my.alerts', '--to', 'a@b'],
      /durable: "my\.alerts" is not valid\n {2}a consumer name of letters, digits, - and _/,
    ],
    [
      ['alert', '--stream', 'kafka://broker/fleet', '--to', 'a@b'],
      /--stream: 'kafka:\/\/broker\/fleet': unknown scheme 'kafka:'\n {2}give one of nats:\/\//,
    ],
    [['alert', tmpDir(), '--from-host', 'web*', '--to', 'a@b'], /--from-host needs --stream/],
    [['alert', '--to', 'a@b'], /no paths to watch/],
  ];
  for (const [args, message] of cases) {
    const run = spawnTswatch([...args, '--spool', join(tmpDir(), 'spool')]);
    assert.equal(await run.exited, 1, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, message);
  }
  const secret = spawnTswatch([
    'alert',
    '--stream',
    down.replace('//', '//ops:s3cret@'),
    '--to',
    'a@b',
    '--spool',
    join(tmpDir(), 'spool'),
  ]);
  assert.equal(await secret.exited, 1);
  assert.match(secret.stderr, /nats:\/\/ops:\*\*\*@127\.0\.0\.1:\d+\/fleet: /);
  assert.ok(!secret.stderr.includes('s3cret'), 'the password is not shown');
});

test("recipe: alert with `stream:` in a config file mails only its hosts' events", async () => {
  const [redis, sink] = await Promise.all([Broker.redis(), startSmtpSink()]);
  const url = `redis://${redis.url}/fleet:config`;
  const root = tmpDir();
  writeFileSync(
    join(root, 'tswatch.yaml'),
    `watches:
  - name: fleet-etc
    recipe: alert
    options:
      stream: { url: '${url}' }
      durable: false
      rules: [{ name: etc, paths: [/etc], recursive: true, hosts: [db*] }]
      mail: { to: ops@example.com }
      smtp: { url: '${sink.url}' }
      spoolDir: spool
      window: 0.2
`,
  );
  const run = spawnTswatch(['run', '--config', join(root, 'tswatch.yaml')]);
  await run.waitStderr('Watches established.');
  const [web, db] = await Promise.all([openPublisher(url, 'web1'), openPublisher(url, 'db1')]);
  web.publish(new Event({ wd: 1, mask: IN_CREATE, path: '/etc', name: 'hosts' }));
  await waitFor(() => web.status()[0]!.pending === 0, "web1's event in the stream");
  db.publish(new Event({ wd: 1, mask: IN_CREATE, path: '/etc/ssh', name: 'sshd_config' }));
  await sink.until(1);
  const { mail } = sink.received[0]!;
  assert.equal(mail.subject, '[tswatch] etc on db1: 1 event in 1 path');
  assert.ok(mail.text?.includes('db1:/etc/ssh/sshd_config (1)'), mail.text);
  assert.ok(!mail.text?.includes('web1'), mail.text);
  await Promise.all([web.close(), db.close()]);
  run.child.kill('SIGTERM');
  assert.equal(await run.exited, 0);
});

test('alert restarted with the same --durable gets what was published while it was down', async () => {
  const [nats, sink] = await Promise.all([Broker.nats(), startSmtpSink()]);
  const url = `nats://${nats.url}/fleet.durable`;
  const dir = tmpDir();
  const alpha = await agent(url, 'alpha', dir);
  const args = ['--durable', 'ops-alerts', '--window', '0.2', '--to', 'ops@example.com', '--smtp', sink.url];
  const first = await alert(url, args);
  writeFileSync(join(dir, 'before'), '');
  await sink.until(1);
  first.child.kill('SIGTERM');
  assert.equal(await first.exited, 0);
  writeFileSync(join(dir, 'while-down'), '');
  await waitFor(alpha.delivered, 'while-down in the broker');
  const second = await alert(url, args);
  await sink.until(2, 10_000);
  assert.match(sink.received[1]!.mail.text ?? '', new RegExp(`alpha:${dir}/while-down \\(1\\)`));
  second.child.kill('SIGTERM');
  alpha.cli.child.kill('SIGTERM');
  assert.equal(await second.exited, 0);
});

test('alert --help shows the fleet form', async () => {
  const run = spawnTswatch(['alert', '--help']);
  assert.equal(await run.exited, 0);
  for (const text of [
    '--stream <url>',
    '--from-host <glob>',
    '--durable <name>',
    '--no-durable',
    '--since <time>',
    '--host-report',
    'tswatch alert --stream nats://broker:4222/fleet.files',
  ]) {
    assert.ok(run.stdout.includes(text), text);
  }
});
