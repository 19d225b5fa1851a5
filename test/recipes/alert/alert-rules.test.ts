// AlertEmail's rules on real inotify, mailed to a real SMTP sink: a window's events in one mail, log regexes,
// checks on content, permissions and size, and the globs of a directory rule.
import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, copyFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startSmtpSink } from '../../helpers/smtp-sink.js';
import { tmpDir } from '../../helpers/tmp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';
import { startAlert } from './start-alert.js';

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
