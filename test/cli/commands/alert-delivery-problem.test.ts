/** A wrong SMTP password, no login, or smtps:// to a plain port: said once with the fix, retried, the mail kept (issue 17.14). */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startSmtpSink } from '../../helpers/smtp-sink.js';
import { spawnTswatch } from '../../helpers/spawn-cli.js';
import { tmpDir } from '../../helpers/tmp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';

const spooled = (spool: string): string[] => readdirSync(spool).filter((n) => n.endsWith('.json'));
const count = (text: string, part: string): number => text.split(part).length - 1;

const REFUSED = 'refused the login';
const LOGIN_HINT =
  'check the user (smtp://USER@HOST, --smtp-user or TSWATCH_SMTP_USER) and the password (TSWATCH_SMTP_PASS or --smtp-pass-file)';
const PLAIN = 'speaks plain SMTP, not TLS';

function passFile(pass: string): string {
  const file = join(tmpDir(), 'pass');
  writeFileSync(file, `${pass}\n`);
  return file;
}

/** `tswatch alert` on a fresh directory with fast retries; one file created, so one mail to deliver. */
async function alertWithOneMail(smtpArgs: string[]) {
  const dir = tmpDir();
  const spool = join(tmpDir(), 'spool');
  const run = spawnTswatch([
    'alert',
    dir,
    '-e',
    'create',
    '--to',
    'ops@example.com',
    ...smtpArgs,
    '--spool',
    spool,
    '--window',
    '0.1',
    '--retry-min',
    '0.05',
    '--retry-max',
    '0.1',
  ]);
  await run.waitStderr('Watches established.');
  writeFileSync(join(dir, 'new-file'), '');
  // Several retries: the hint must not come back with each.
  // (Or the mail set aside for good, as before the fix: fail at once then, not at the timeout.)
  await waitFor(
    () => count(run.stderr, 'not delivered yet') >= 4 || run.stderr.includes('refused for good'),
    () => `4 retries: ${run.stderr}`,
    20_000,
  );
  return { run, spool };
}

async function assertKeptAndStop(run: ReturnType<typeof spawnTswatch>, spool: string): Promise<void> {
  assert.equal(spooled(spool).length, 1, 'the mail stays in the spool');
  assert.equal(existsSync(join(spool, 'failed')), false, 'not set aside as refused for good');
  assert.doesNotMatch(run.stderr, /refused for good|\n\s+at /);
  run.child.kill('SIGTERM');
  assert.equal(await run.exited, 0, run.stderr);
}

test('alert with a wrong SMTP password: the refused login and its fix, said once across the retries', { timeout: 30_000 }, async () => {
  const sink = await startSmtpSink({ users: { alerts: 'right' } });
  const { run, spool } = await alertWithOneMail(['--smtp', `smtp://alerts@127.0.0.1:${sink.port}`, '--smtp-pass-file', passFile('wrong')]);
  assert.equal(count(run.stderr, REFUSED), 1, run.stderr);
  assert.equal(count(run.stderr, LOGIN_HINT), 1, run.stderr);
  assert.match(
    run.stderr,
    /mail not delivered: the SMTP server 127\.0\.0\.1:\d+ refused the login of 'alerts' \(Invalid login: 535 .*\)\n {2}check the user/,
  );
  await assertKeptAndStop(run, spool);
  assert.equal(sink.received.length, 0);
});

test("alert with a wrong SMTP password and a working --webhook: the webhook's success does not bring the hint back", {
  timeout: 30_000,
}, async () => {
  const sink = await startSmtpSink({ users: { alerts: 'right' } });
  let posts = 0;
  const hook = createServer((req, res) =>
    req.resume().on('end', () => {
      posts++;
      res.end('ok');
    }),
  );
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  after(() => hook.close());
  const webhook = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
  const { run, spool } = await alertWithOneMail([
    '--smtp',
    `smtp://alerts@127.0.0.1:${sink.port}`,
    '--smtp-pass-file',
    passFile('wrong'),
    '--webhook',
    webhook,
  ]);
  assert.equal(posts, 1, 'the webhook got its post');
  assert.equal(count(run.stderr, REFUSED), 1, run.stderr);
  await assertKeptAndStop(run, spool);
});

test('alert with no login to a server that wants one: said once, and the mail is kept, not refused for good', {
  timeout: 30_000,
}, async () => {
  const sink = await startSmtpSink({ users: { alerts: 'right' } });
  const { run, spool } = await alertWithOneMail(['--smtp', sink.url]);
  assert.equal(count(run.stderr, 'wants a login, and none is set'), 1, run.stderr);
  assert.equal(count(run.stderr, 'give the user (smtp://USER@HOST'), 1, run.stderr);
  await assertKeptAndStop(run, spool);
});

test('alert with smtps:// to a port that speaks plain SMTP: said once, with smtp:// or port 465 as the fix', {
  timeout: 30_000,
}, async () => {
  const sink = await startSmtpSink();
  const { run, spool } = await alertWithOneMail(['--smtp', `smtps://127.0.0.1:${sink.port}`]);
  assert.equal(count(run.stderr, PLAIN), 1, run.stderr);
  assert.match(
    run.stderr,
    new RegExp(
      `port ${sink.port} of 127\\.0\\.0\\.1 speaks plain SMTP, not TLS .*\\(wrong version number\\)\\n {2}use smtp://127\\.0\\.0\\.1:${sink.port} \\(with STARTTLS: --smtp-security starttls\\), or smtps:// to the server's TLS port \\(usually 465\\)`,
    ),
  );
  await assertKeptAndStop(run, spool);
  assert.equal(sink.received.length, 0);
});

test('report with a wrong SMTP password: exit 75 naming the refused login and its fix once, the mail spooled', {
  timeout: 30_000,
}, async () => {
  const sink = await startSmtpSink({ users: { reports: 'right' } });
  const spool = join(tmpDir(), 'spool');
  const run = spawnTswatch([
    'report',
    '--to',
    'ops@example.com',
    '--smtp',
    `smtp://reports@127.0.0.1:${sink.port}`,
    '--smtp-pass-file',
    passFile('wrong'),
    '--spool',
    spool,
    '--retry-min',
    '0.05',
    '--retry-max',
    '0.1',
    '--wait',
    '1',
  ]);
  assert.equal(await run.exited, 75, run.stderr);
  assert.equal(count(run.stderr, REFUSED), 1, run.stderr);
  assert.equal(count(run.stderr, LOGIN_HINT), 1, run.stderr);
  assert.match(
    run.stderr,
    /not delivered yet: the SMTP server .* refused the login of 'reports' .*\n {2}check the user .*; it stays in the spool/,
  );
  const [entry] = spooled(spool);
  assert.ok(entry, 'the report stays in the spool');
  const { attempts } = JSON.parse(readFileSync(join(spool, entry), 'utf8')) as { attempts: number };
  assert.ok(attempts >= 3, `retried (${attempts} attempts), said once`);
});
