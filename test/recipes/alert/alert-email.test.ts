import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, copyFileSync, readdirSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { AlertEmail, type AlertOptions, type Digest, sendHostReport, type WebhookBody } from '../../../recipes/alert/index.js';
import { freePort, selfSignedCert, startSmtpSink } from '../../helpers/smtp-sink.js';
import { tmpDir } from '../../helpers/tmp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';

/** An AlertEmail on real inotify, with small windows and retries; stopped when the test ends. */
async function startAlert(t: { after: (fn: () => unknown) => void }, options: Partial<AlertOptions> & Pick<AlertOptions, 'rules'>) {
  const spoolDir = join(tmpDir(), 'spool');
  const alert = new AlertEmail(
    { mail: { to: ['ops@example.com'] }, spoolDir, window: 0.3, retryMin: 0.05, retryMax: 0.2, ...options },
    { cpuSampleMs: 20 },
  );
  const digests: Digest[] = [];
  const errors: Error[] = [];
  const retries: Error[] = [];
  alert.on('digest', (d: Digest) => digests.push(d));
  alert.on('error', (err: Error) => errors.push(err));
  alert.on('retry', (_entry, err: Error) => retries.push(err));
  await alert.start();
  let stopped = false;
  const stop = async () => {
    if (!stopped) await alert.stop();
    stopped = true;
  };
  t.after(stop);
  const spooled = () => readdirSync(spoolDir).filter((n) => n.endsWith('.json') || n.endsWith('.sending'));
  return { alert, digests, errors, retries, spoolDir, spooled, stop };
}

test('50 file events in one window make one mail naming all 50', async (t) => {
  const sink = await startSmtpSink();
  const dir = tmpDir();
  const a = await startAlert(t, { rules: [{ paths: [dir], events: ['create'] }], smtp: { url: sink.url }, window: 1.5 });
  for (let i = 0; i < 50; i++) writeFileSync(join(dir, `file-${i}-end`), 'x');
  await sink.until(1);
  await waitFor(() => a.spooled().length === 0, 'the spool to empty');
  await a.stop(); // anything still pending would be spooled now as a second mail
  assert.equal(a.digests.length, 1);
  assert.deepEqual(a.spooled(), []);
  assert.equal(sink.received.length, 1);
  const { mail, envelopeTo } = sink.received[0]!;
  assert.deepEqual(envelopeTo, ['ops@example.com']);
  assert.match(mail.subject ?? '', /50 events in 50 paths/);
  for (let i = 0; i < 50; i++) {
    assert.ok(mail.text?.includes(`${dir}/file-${i}-end`), `text names file-${i}-end`);
    assert.ok(String(mail.html).includes(`${dir}/file-${i}-end`), `html names file-${i}-end`);
  }
  assert.match(mail.messageId ?? '', /^<tswatch\.[0-9a-f-]+@/);
  assert.deepEqual(a.errors, []);
});

test('SMTP AUTH: refused with a wrong password (mail kept), accepted with the right one from a file', async (t) => {
  const sink = await startSmtpSink({ users: { alerts: 's3cret' } });
  const dir = tmpDir();
  const passFile = join(tmpDir(), 'pass');
  writeFileSync(passFile, 'wrong\n');
  const rules = [{ paths: [dir], events: ['create'] }];
  const wrong = await startAlert(t, { rules, smtp: { url: sink.url, user: 'alerts', passFile } });
  writeFileSync(join(dir, 'a'), '');
  await waitFor(() => wrong.retries.length > 0, 'a refused attempt');
  assert.match(wrong.retries[0]!.message, /Invalid username or password|auth/i);
  await wrong.stop();
  assert.equal(sink.received.length, 0);
  assert.equal(wrong.spooled().length, 1, 'the refused mail stays in the spool');

  writeFileSync(passFile, 's3cret\n');
  const right = new AlertEmail({
    rules,
    mail: { to: ['ops@example.com'] },
    spoolDir: wrong.spoolDir,
    smtp: { url: sink.url, user: 'alerts', passFile },
  });
  await right.start(); // replays the spool
  t.after(() => right.stop());
  await sink.until(1);
  assert.equal(sink.received[0]!.user, 'alerts');
  assert.match(sink.received[0]!.mail.text ?? '', new RegExp(`${dir}/a`));
});

test('STARTTLS with a self-signed certificate: refused unless trusted, then sent encrypted', async (t) => {
  const certDir = tmpDir();
  const tls = selfSignedCert(certDir);
  const sink = await startSmtpSink({ tls, users: { u: 'p' } });
  process.env.TSWATCH_SMTP_PASS = 'p';
  t.after(() => delete process.env.TSWATCH_SMTP_PASS);
  const dir = tmpDir();
  const rules = [{ paths: [dir], events: ['create'] }];
  const untrusted = await startAlert(t, { rules, smtp: { url: sink.url, user: 'u', security: 'starttls' } });
  writeFileSync(join(dir, 'a'), '');
  await waitFor(() => untrusted.retries.length > 0, 'a refused attempt');
  assert.match(untrusted.retries[0]!.message, /self[- ]signed|certificate/i);
  await untrusted.stop();
  assert.equal(sink.received.length, 0);

  await startAlert(t, { rules, smtp: { url: sink.url, user: 'u', security: 'starttls', caFile: tls.certFile } });
  writeFileSync(join(dir, 'b'), '');
  await sink.until(1);
  assert.equal(sink.received[0]!.secure, true);
  assert.equal(sink.received[0]!.user, 'u');
});

test('server down at first, started later: the mail arrives once', async (t) => {
  const port = await freePort();
  const dir = tmpDir();
  const a = await startAlert(t, { rules: [{ paths: [dir], events: ['create'] }], smtp: { url: `smtp://127.0.0.1:${port}` } });
  const sent: string[] = [];
  a.alert.on('sent', (entry) => sent.push(entry.mail.messageId));
  writeFileSync(join(dir, 'while-down'), '');
  await waitFor(() => a.retries.length >= 2, 'two refused attempts');
  assert.match(a.retries[0]!.message, /ECONNREFUSED/);
  const sink = await startSmtpSink({ port });
  await sink.until(1);
  await waitFor(() => a.spooled().length === 0 && sent.length === 1, 'the spool to empty');
  await a.stop();
  assert.equal(sink.received.length, 1);
  assert.equal(sink.received[0]!.mail.messageId, sent[0]);
  assert.match(sink.received[0]!.mail.text ?? '', /while-down/);
});

test('regex rule on a log: appended lines, then across rename + recreate and copytruncate', async (t) => {
  const sink = await startSmtpSink();
  const dir = tmpDir();
  const log = join(dir, 'app.log');
  writeFileSync(log, 'ERROR before the start: not news\n');
  const a = await startAlert(t, { rules: [{ paths: [log], checks: { match: 'ERROR|FATAL' } }], smtp: { url: sink.url }, window: 0.2 });
  const bodies = () => sink.received.map((r) => r.mail.text ?? '').join('\n');

  appendFileSync(log, 'info: fine\nERROR one\n');
  await waitFor(() => bodies().includes('ERROR one'), 'ERROR one');
  appendFileSync(log, 'ERROR two, just before the rotation\n');
  renameSync(log, `${log}.1`); // logrotate's default: rename, then a new file
  writeFileSync(log, 'FATAL three, in the new file\n');
  await waitFor(() => bodies().includes('FATAL three'), 'FATAL three');
  copyFileSync(log, `${log}.2`); // logrotate copytruncate
  truncateSync(log, 0);
  appendFileSync(log, 'ERROR four, after copytruncate\n');
  await waitFor(() => bodies().includes('ERROR four'), 'ERROR four');
  await a.stop();

  const all = bodies();
  for (const line of [
    'ERROR one',
    'ERROR two, just before the rotation',
    'FATAL three, in the new file',
    'ERROR four, after copytruncate',
  ]) {
    assert.equal(all.split(line).length - 1, 1, `${line} mailed exactly once`);
  }
  assert.ok(!all.includes('info: fine'));
  assert.ok(!all.includes('before the start'));
  assert.match(sink.received[0]!.mail.subject ?? '', /app\.log/);
});

test('checks: content and permissions changed; size above, then a recovered mail', async (t) => {
  const sink = await startSmtpSink();
  const dir = tmpDir();
  const config = join(dir, 'config');
  const log = join(dir, 'big.log');
  writeFileSync(config, 'a=1\n');
  chmodSync(config, 0o644);
  writeFileSync(log, '');
  await startAlert(t, {
    rules: [
      { name: 'config', paths: [config], checks: { checksum: true, permissions: true } },
      { name: 'disk-hog', paths: [log], checks: { sizeAbove: 100 } },
    ],
    smtp: { url: sink.url },
    window: 0.2,
  });
  const text = (rule: string) =>
    sink.received
      .filter((r) => r.mail.headers.get('x-tswatch-rule') === rule)
      .map((r) => r.mail.text ?? '')
      .join('\n');
  writeFileSync(config, 'a=2\n');
  await waitFor(() => text('config').includes('content changed'), 'content changed');
  chmodSync(config, 0o600);
  await waitFor(() => text('config').includes('mode 0644 -> 0600'), 'permissions changed');
  appendFileSync(log, 'x'.repeat(200));
  await waitFor(() => text('disk-hog').includes('size above 100 B'), 'size above');
  appendFileSync(log, 'more'); // still above: no new mail
  truncateSync(log, 10);
  await waitFor(() => sink.received.some((r) => /^\[tswatch\] disk-hog on .*: recovered$/.test(r.mail.subject ?? '')), 'a recovered mail');
  assert.match(text('disk-hog'), /size back below 100 B/);
  assert.equal(text('disk-hog').match(/^ {2}\d\d:\d\d:\d\d {2}size above 100 B/gm)?.length, 1, 'reported once, not once per write');
  assert.match(text('disk-hog'), /Still on:\n {2}.*big\.log: size above 100 B \(since /);
  assert.equal(text('config').includes('size above'), false, 'the config rule has no size check');
});

test("webhook: the same digest posted as JSON, with the mail's Message-ID", async (t) => {
  const sink = await startSmtpSink();
  const posts: WebhookBody[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      posts.push(JSON.parse(body) as WebhookBody);
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const dir = tmpDir();
  await startAlert(t, {
    rules: [{ paths: [dir], events: ['create'] }],
    smtp: { url: sink.url },
    webhook: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`,
  });
  writeFileSync(join(dir, 'hooked'), '');
  await sink.until(1);
  await waitFor(() => posts.length === 1, 'one webhook post');
  assert.equal(posts[0]!.messageId, sink.received[0]!.mail.messageId);
  assert.deepEqual(
    posts[0]!.digest!.groups.map((g) => g.path),
    [join(dir, 'hooked')],
  );
  assert.equal(posts[0]!.host!.hostname, hostname());
});

test('host report mail: every field rendered, and templates can be overridden', async () => {
  const sink = await startSmtpSink();
  const spoolDir = join(tmpDir(), 'spool');
  const result = await sendHostReport(
    { to: ['ops@example.com'], smtp: { url: sink.url }, spoolDir, paths: ['/', tmpDir()] },
    { cpuSampleMs: 20 },
  );
  assert.equal(result.delivered, true);
  const { mail } = sink.received[0]!;
  assert.equal(mail.subject, `[tswatch] host report: ${hostname()}`);
  const text = mail.text ?? '';
  for (const field of [`Host report: ${hostname()}`, 'booted ', `${cpus().length} CPUs`, '% busy', 'load ', 'memory ', 'disk      / (']) {
    assert.ok(text.includes(field), `text has ${JSON.stringify(field)}:\n${text}`);
  }
  assert.match(text, /booted\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(up /);
  assert.match(String(mail.html), /<td>memory<\/td><td>[\d.]+ \w?i?B of [\d.]+ \w?i?B used/);

  const templateDir = tmpDir();
  writeFileSync(join(templateDir, 'subject.eta'), 'STATUS <%= it.host.hostname %> <%= it.host.cpuCount %> cpus');
  writeFileSync(join(templateDir, 'host-text.eta'), 'load=<%= it.host.loadAverage[0] %> mem=<%= it.host.memory.usedPercent %>%');
  await sendHostReport({ to: ['ops@example.com'], smtp: { url: sink.url }, spoolDir, templateDir }, { cpuSampleMs: 20 });
  await sink.until(2);
  assert.equal(sink.received[1]!.mail.subject, `STATUS ${hostname()} ${cpus().length} cpus`);
  assert.match(sink.received[1]!.mail.text ?? '', /^load=[\d.]+ mem=[\d.]+%/m);
});

test('a recipient refused for good (550): the mail is kept in failed/, not retried forever', async () => {
  const sink = await startSmtpSink({ rejectTo: ['nobody@example.com'] });
  const spoolDir = join(tmpDir(), 'spool');
  const result = await sendHostReport(
    { to: ['nobody@example.com'], smtp: { url: sink.url }, spoolDir, retryMin: 0.05 },
    { cpuSampleMs: 20 },
  );
  assert.equal(result.delivered, false);
  assert.match(result.lastError ?? '', /550.*no such user/);
  assert.deepEqual(
    readdirSync(spoolDir).filter((n) => n.endsWith('.json')),
    [],
  );
  assert.equal(readdirSync(join(spoolDir, 'failed')).length, 1);
  assert.equal(sink.received.length, 0);
});

test('one recipient refused, the other accepted: delivered, the refusal reported', async (t) => {
  const sink = await startSmtpSink({ rejectTo: ['gone@example.com'] });
  const dir = tmpDir();
  const a = await startAlert(t, {
    rules: [{ paths: [dir], events: ['create'] }],
    smtp: { url: sink.url },
    mail: { to: ['ops@example.com', 'gone@example.com'] },
  });
  const rejected: string[][] = [];
  a.alert.on('sent', (_entry, delivered: { rejected: string[] }) => rejected.push(delivered.rejected));
  writeFileSync(join(dir, 'x'), '');
  await sink.until(1);
  await waitFor(() => rejected.length === 1, 'the sent event');
  assert.deepEqual(sink.received[0]!.envelopeTo, ['ops@example.com']);
  assert.deepEqual(rejected[0], ['gone@example.com']);
});

test('glob / ignore globs choose the files of a directory rule', async (t) => {
  const sink = await startSmtpSink();
  const dir = tmpDir();
  const a = await startAlert(t, {
    rules: [{ paths: [dir], recursive: true, events: ['create'], glob: ['**/*.conf'], ignore: ['**/skip-*'] }],
    smtp: { url: sink.url },
    window: 0.2,
  });
  writeFileSync(join(dir, 'notes.txt'), '');
  writeFileSync(join(dir, 'skip-me.conf'), '');
  writeFileSync(join(dir, 'app.conf'), '');
  await sink.until(1);
  await a.stop();
  assert.deepEqual(
    a.digests.flatMap((d) => d.groups.map((g) => g.path)),
    [join(dir, 'app.conf')],
  );
});

test('a dry run needs no SMTP password (nothing is sent); a real run does', () => {
  const dir = tmpDir();
  const options: AlertOptions = {
    rules: [{ paths: [dir] }],
    mail: { to: ['ops@example.com'] },
    smtp: { user: 'alerts' },
    spoolDir: join(dir, 'spool'),
  };
  assert.doesNotThrow(() => new AlertEmail({ ...options, dryRun: true }));
  assert.throws(() => new AlertEmail(options), /SMTP user 'alerts' has no password/);
});

test('bad options are named with a hint, before anything is watched', () => {
  const fails = (options: AlertOptions, message: RegExp) =>
    assert.throws(
      () => new AlertEmail(options),
      (err: Error & { hint?: string }) => message.test(`${err.message} ${err.hint}`),
    );
  const dir = tmpDir();
  const mail = { to: ['ops@example.com'] };
  fails({ rules: [{ paths: [dir], events: ['crate'] }], mail }, /unknown event name 'crate'.*valid event names: access/);
  fails({ rules: [{ paths: [dir], checks: { sizeAbove: '10 parsecs' } }], mail }, /sizeAbove.*not valid.*10M/);
  fails({ rules: [{ paths: [dir], checks: { match: '(' } }], mail }, /match.*regular expression/);
  fails({ rules: [{ paths: [dir] }], mail: { to: [] } }, /recipient.*--to/);
  fails({ rules: [{ paths: [dir] }], mail, window: -1 }, /window.*seconds/);
  fails({ rules: [{ paths: [dir] }], mail, smtp: { url: 'http://mail' } }, /scheme 'http:'.*smtp:\/\//);
  fails({ rules: [{ paths: [dir] }], mail, smtp: { url: 'smtp://me@mail' } }, /user 'me' has no password.*TSWATCH_SMTP_PASS/);
});

test('a path that does not exist is an error naming it', async () => {
  const alert = new AlertEmail({ rules: [{ paths: ['/nonexistent/dir/file'] }], mail: { to: ['a@b'] }, spoolDir: join(tmpDir(), 's') });
  await assert.rejects(alert.start(), (err: Error & { hint?: string }) => /\/nonexistent\/dir/.test(err.message) && err.hint !== undefined);
});

test('a bad recipient address is refused at start, before anything is spooled', () => {
  const spoolDir = join(tmpDir(), 'spool');
  assert.throws(
    () => new AlertEmail({ rules: [{ paths: [tmpDir()] }], mail: { to: ['not an address'] }, spoolDir }),
    /mail\.to: "not an address" is not valid/,
  );
  assert.throws(
    () => new AlertEmail({ rules: [{ paths: [tmpDir()], to: ['a@b', 'x y@z'] }], mail: { to: [] }, spoolDir }),
    /rules\[0\]\.to: "x y@z" is not valid/,
  );
});
