import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort, startSmtpSink } from '../../helpers/smtp-sink.js';
import { spawnTswatch } from '../../helpers/spawn-cli.js';
import { tmpDir } from '../../helpers/tmp-dir.js';

test('tswatch report --to: the host report alone, password from the environment', async () => {
  const sink = await startSmtpSink({ users: { reports: 'pw from env' } });
  const spool = join(tmpDir(), 'spool');
  const run = spawnTswatch(['report', '/', '--to', 'ops@example.com', '--smtp', sink.url, '--smtp-user', 'reports', '--spool', spool], {
    TSWATCH_SMTP_PASS: 'pw from env',
  });
  assert.equal(await run.exited, 0, run.stderr);
  assert.match(run.stderr, /host report <tswatch\..*> delivered/);
  const { mail, user } = sink.received[0]!;
  assert.equal(user, 'reports');
  assert.equal(mail.subject, `[tswatch] host report: ${hostname()}`);
  assert.match(mail.text ?? '', /booted .*\n {2}CPU .* CPUs, [\d.]+% busy, load [\d.]+ [\d.]+ [\d.]+\n {2}memory .* used \([\d.]+%\)/);
  assert.match(mail.text ?? '', /disk {6}\/ \([^)]+\): .* used/);
});

test('server down: exit 75, the mail stays in the spool, and the next run sends it', async () => {
  const port = await freePort();
  const spool = join(tmpDir(), 'spool');
  const passFile = join(tmpDir(), 'pass');
  writeFileSync(passFile, 'pw\n');
  const args = [
    'report',
    '--to',
    'ops@example.com',
    '--smtp',
    `smtp://u@127.0.0.1:${port}`,
    '--smtp-pass-file',
    passFile,
    '--spool',
    spool,
    '--retry-min',
    '0.05',
    '--wait',
    '0.3',
  ];
  const down = spawnTswatch(args);
  assert.equal(await down.exited, 75);
  assert.match(down.stderr, /not delivered yet \(.*ECONNREFUSED.*\); it stays in the spool/);
  const sink = await startSmtpSink({ port, users: { u: 'pw' } });
  const up = spawnTswatch(args.map((a) => (a === '0.3' ? '10' : a)));
  assert.equal(await up.exited, 0, up.stderr);
  assert.equal(sink.received.length, 2, 'the spooled report and the new one');
  assert.notEqual(sink.received[0]!.mail.messageId, sink.received[1]!.mail.messageId);
});

test('report --dry-run prints the mail', async () => {
  const run = spawnTswatch(['report', '--dry-run']);
  assert.equal(await run.exited, 0, run.stderr);
  assert.match(run.stdout, /^Subject: \[tswatch\] host report: /m);
  assert.match(run.stdout, /Host report: /);
});

test('report /typo is an error naming the path, not a silent report of /', async () => {
  const missing = join(tmpDir(), 'typo');
  const run = spawnTswatch(['report', '/', missing, '--dry-run']);
  assert.equal(await run.exited, 1, run.stderr);
  assert.match(run.stderr, new RegExp(`cannot report on '${missing}': no such file or directory\\n {2}give existing paths`));
  assert.equal(run.stdout, '', 'no mail printed');
});

test('a broken custom subject.eta: the built-in subject is used, and stderr and the mail say so', async () => {
  const templates = tmpDir();
  writeFileSync(join(templates, 'subject.eta'), '<%= it.nothing.here %>');
  const run = spawnTswatch(['report', '--dry-run', '--templates', templates]);
  assert.equal(await run.exited, 0, run.stderr);
  assert.match(run.stdout, /^Subject: \[tswatch\] host report: /m);
  assert.match(
    run.stderr,
    /tswatch: warning: the custom template failed \(subject\.eta: .*\); the built-in subject template was used: fix .*subject\.eta/,
  );
  const body = run.stdout.replace(/=\n/g, ''); // quoted-printable soft line breaks
  assert.match(body, /tswatch: the custom template failed \(subject\.eta: .*\); the built-in one was used\./);
});
