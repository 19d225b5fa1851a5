import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort, startSmtpSink } from '../../helpers/smtp-sink.js';
import { spawnTswatch } from '../../helpers/spawn-cli.js';
import { tmpDir } from '../../helpers/tmp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';

const spooled = (spool: string): string[] => readdirSync(spool).filter((n) => n.endsWith('.json'));

test('kill -9 with a mail in the spool: the next run sends it, once, with the same Message-ID', async () => {
  const port = await freePort(); // nothing listens yet
  const dir = tmpDir();
  const spool = join(tmpDir(), 'spool');
  const args = [
    'alert',
    dir,
    '-e',
    'create',
    '--to',
    'ops@example.com',
    '--smtp',
    `smtp://127.0.0.1:${port}`,
    '--spool',
    spool,
    '--window',
    '0.2',
    '--retry-min',
    '60',
  ];
  const first = spawnTswatch(args);
  await first.waitStderr('Watches established.');
  writeFileSync(join(dir, 'before-the-crash'), '');
  await first.waitStderr('not delivered yet');
  const [entry] = spooled(spool);
  assert.ok(entry, 'the mail is in the spool');
  const { mail } = JSON.parse(readFileSync(join(spool, entry), 'utf8')) as { mail: { messageId: string } };
  first.child.kill('SIGKILL');
  await first.exited;

  const sink = await startSmtpSink({ port });
  const second = spawnTswatch(args);
  await sink.until(1);
  await second.waitStderr('delivered');
  await waitFor(() => spooled(spool).length === 0, 'the spool to empty');
  second.child.kill('SIGTERM');
  assert.equal(await second.exited, 0);
  assert.equal(sink.received.length, 1);
  assert.equal(sink.received[0]!.mail.messageId, mail.messageId);
  assert.match(sink.received[0]!.mail.text ?? '', /before-the-crash/);
});

test('SIGTERM: what the window still holds is spooled, not lost, and sent by this run or the next', async () => {
  const sink = await startSmtpSink();
  const dir = tmpDir();
  const spool = join(tmpDir(), 'spool');
  const args = ['alert', dir, '-e', 'create', '--to', 'ops@example.com', '--smtp', sink.url, '--spool', spool, '--window', '3600'];
  const first = spawnTswatch(args);
  await first.waitStderr('Watches established.');
  writeFileSync(join(dir, 'pending-at-shutdown'), '');
  await first.waitStderr('gathering events for 3600 s');
  first.child.kill('SIGTERM');
  assert.equal(await first.exited, 0);
  const second = spawnTswatch(args);
  await second.waitStderr('Watches established.');
  if (sink.received.length === 0) await sink.until(1);
  second.child.kill('SIGTERM');
  await second.exited;
  assert.equal(sink.received.length, 1);
  assert.match(sink.received[0]!.mail.text ?? '', /pending-at-shutdown/);
});

test('--dry-run prints the rendered mail and sends nothing', async () => {
  const dir = tmpDir();
  const run = spawnTswatch(['alert', dir, '-e', 'create', '--dry-run', '--window', '0.1']);
  await run.waitStderr('Watches established.');
  writeFileSync(join(dir, 'a file; $(rm -rf ~)'), '');
  await waitFor(() => run.stdout.includes('Host report:'), 'the printed mail');
  run.child.kill('SIGTERM');
  assert.equal(await run.exited, 0);
  assert.match(run.stdout, /^Subject: \[tswatch\] .* 1 event in 1 path$/m);
  assert.match(run.stdout, /^Message-ID: <tswatch\./m);
  assert.ok(run.stdout.includes(`${dir}/a file; $(rm -rf ~)`));
});

test('--glob / --ignore choose the files mailed about (the names every command uses for globs)', async () => {
  const dir = tmpDir();
  const run = spawnTswatch(['alert', dir, '-e', 'create', '--glob', '*.conf', '--ignore', 'skip-*', '--dry-run', '--window', '0.5']);
  await run.waitStderr('Watches established.');
  for (const name of ['skip-me.conf', 'notes.txt', 'app.conf']) writeFileSync(join(dir, name), '');
  await waitFor(() => run.stdout.includes('Host report:'), 'the printed mail');
  run.child.kill('SIGTERM');
  assert.equal(await run.exited, 0);
  assert.ok(run.stdout.includes(`${dir}/app.conf`));
  assert.ok(!run.stdout.includes('notes.txt'), 'no --glob match');
  assert.ok(!run.stdout.includes('skip-me.conf'), '--ignore wins');
});

test('bad flags and paths: exit 1, the flag, the value and the fix on stderr', async () => {
  const dir = tmpDir();
  const cases: Array<[string[], RegExp]> = [
    [['alert', dir, '--to', 'a@b', '--window', 'soon'], /--window: 'soon' is not valid\n {2}give --window a number/],
    [['alert', dir, '--to', 'a@b', '--max-per-hour', '0'], /--max-per-hour: '0' is not valid/],
    [['alert', dir, '--to', 'a@b', '--smtp-security', 'ssl'], /'ssl' is invalid. Allowed choices are tls, starttls, none, auto/],
    [['alert', dir, '--to', 'a@b', '-e', 'craete'], /unknown event name 'craete'\n {2}valid event names/],
    [['alert', dir, '--to', 'a@b', '--size-above', 'huge'], /--size-above: "huge" is not valid\n {2}give --size-above a size.*10M/],
    [['alert', dir, '--to', 'a@b', '--match', '(unclosed'], /--match: "\(unclosed" is not valid\n {2}not a JavaScript regular expression/],
    [['alert', dir], /give at least one recipient \(--to/],
    [['alert', dir, '--to', 'not an address'], /--to: "not an address" is not valid\n {2}give a mail address such as ops@example.com/],
    [['alert', dir, '--to', 'ops@example.com,oops'], /--to: "oops" is not valid/],
    [['alert', dir, '--to', 'ops@example.com', '--from', 'me'], /--from: "me" is not valid/],
    [['report', '--to', 'not an address'], /--to: "not an address" is not valid/],
    [['alert', join(dir, 'missing', 'deeper'), '--to', 'a@b'], /missing.*no such file or directory/],
    [['alert', dir, '--to', 'a@b', '--smtp', 'smtp://me@host'], /SMTP user 'me' has no password\n {2}set TSWATCH_SMTP_PASS/],
  ];
  for (const [args, message] of cases) {
    const run = spawnTswatch([...args, '--spool', join(dir, 'spool')]);
    assert.equal(await run.exited, 1, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, message);
  }
});

test('alert --help lists the checks and examples', async () => {
  const run = spawnTswatch(['alert', '--help']);
  assert.equal(await run.exited, 0);
  for (const text of [
    '--checksum',
    '--perms',
    '--size-above',
    '--match',
    '--window',
    '--max-per-hour',
    '--webhook',
    '--dry-run',
    'TSWATCH_SMTP_PASS',
    'Examples:',
  ]) {
    assert.ok(run.stdout.includes(text), text);
  }
});

test('a spool that cannot be made (under /proc, where mkdir -p would loop) is an error naming it, not a hang', async () => {
  const run = spawnTswatch([
    'alert',
    tmpDir(),
    '--to',
    'ops@example.com',
    '--smtp',
    'smtp://127.0.0.1:2525',
    '--spool',
    '/proc/tswatch-nope/spool',
  ]);
  assert.equal(await run.exited, 1);
  assert.match(run.stderr, /cannot create the mail spool '\/proc\/tswatch-nope\/spool'/);
  assert.match(run.stderr, /--spool DIR/);
});

test("the README's web-tamper example mails new, deleted and moved .php files (checks no longer turn the events off)", {
  timeout: 60_000,
}, async () => {
  const www = tmpDir();
  mkdirSync(join(www, 'app'));
  writeFileSync(join(www, 'app', 'old.php'), '<?php');
  writeFileSync(join(www, 'app', 'moving.php'), '<?php');
  const run = spawnTswatch(['alert', www, '-r', '--checksum', '--perms', '--glob', '*.php', '--dry-run', '--window', '0.3']);
  await run.waitStderr('Watches established.');
  writeFileSync(join(www, 'app', 'shell.php'), '<?php system($_GET[1]);');
  unlinkSync(join(www, 'app', 'old.php'));
  renameSync(join(www, 'app', 'moving.php'), join(www, 'app', 'moved.php'));
  await waitFor(
    () => ['shell.php', 'old.php', 'moved.php'].every((n) => run.stdout.includes(`${www}/app/${n}`)),
    `all three named: ${run.stdout}`,
  );
  run.child.kill('SIGTERM');
  assert.equal(await run.exited, 0);
  assert.match(run.stdout, new RegExp(`${www}/app/shell\\.php[^]*CREATE`));
  assert.match(run.stdout, /DELETE/);
  assert.match(run.stdout, /MOVED_TO/);
  assert.match(run.stdout, new RegExp(`from ${www}/app/moving\\.php`));

  // -e narrows them again: only content and permission findings, no events.
  const narrowed = spawnTswatch(['alert', www, '-r', '--perms', '-e', 'attrib', '--glob', '*.php', '--dry-run', '--window', '0.3']);
  await narrowed.waitStderr('Watches established.');
  writeFileSync(join(www, 'app', 'quiet.php'), '');
  chmodSync(join(www, 'app', 'shell.php'), 0o600);
  await waitFor(() => narrowed.stdout.includes('Host report:'), 'the printed mail');
  narrowed.child.kill('SIGTERM');
  await narrowed.exited;
  assert.ok(!narrowed.stdout.includes('quiet.php'), narrowed.stdout);
});
