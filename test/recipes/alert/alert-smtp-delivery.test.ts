// AlertEmail's delivery to a real SMTP server: AUTH, STARTTLS, a server that comes up late, refused recipients.
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { AlertEmail, sendHostReport } from '../../../recipes/alert/index.js';
import { freePort, selfSignedCert, startSmtpSink } from '../../helpers/smtp-sink.js';
import { tmpDir } from '../../helpers/tmp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';
import { startAlert } from './start-alert.js';

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
