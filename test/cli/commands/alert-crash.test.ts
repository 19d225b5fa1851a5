/** kill -9 never loses an alert: open digest windows and the checks' baselines outlive the process (issue 17.12). */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startSmtpSink } from '../../helpers/smtp-sink.js';
import { spawnTswatch } from '../../helpers/spawn-cli.js';
import { tmpDir } from '../../helpers/tmp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';

const pendingJournals = (spool: string): string[] => (existsSync(join(spool, 'pending')) ? readdirSync(join(spool, 'pending')) : []);

test('kill -9 with a digest window open: the next start mails what it held, once', { timeout: 60_000 }, async () => {
  const sink = await startSmtpSink();
  const dir = tmpDir();
  const spool = join(tmpDir(), 'spool');
  const args = (window: string) => [
    'alert',
    dir,
    '-e',
    'create',
    '--to',
    'ops@example.com',
    '--smtp',
    sink.url,
    '--spool',
    spool,
    '--window',
    window,
  ];
  const first = spawnTswatch(args('3600'));
  await first.waitStderr('Watches established.');
  writeFileSync(join(dir, 'seen-before-the-kill'), '');
  await first.waitStderr('gathering events for 3600 s');
  first.child.kill('SIGKILL');
  await first.exited;
  assert.equal(pendingJournals(spool).length, 1, 'the open window is journaled');

  const second = spawnTswatch(args('0.2'));
  await second.waitStderr('1 findings that an alert stopped by a crash or kill had not mailed go out with the next digest');
  await sink.until(1);
  assert.match(sink.received[0]!.mail.text ?? '', /seen-before-the-kill/);
  await second.waitStderr('delivered');
  second.child.kill('SIGTERM');
  assert.equal(await second.exited, 0, second.stderr);
  assert.deepEqual(pendingJournals(spool), [], 'mailed, so off the journal: a third start sends nothing again');
  assert.equal(sink.received.length, 1);
});

test('--checksum --perms: what changed, appeared or went while no alert ran (stopped, or killed) is mailed at the next start', {
  timeout: 60_000,
}, async () => {
  const sink = await startSmtpSink();
  const dir = tmpDir();
  const spool = join(tmpDir(), 'spool');
  for (const name of ['edited.conf', 'chmodded.conf', 'deleted.conf', 'same.conf']) writeFileSync(join(dir, name), `${name}\n`);
  const args = ['alert', dir, '--checksum', '--perms', '--to', 'ops@example.com', '--smtp', sink.url, '--spool', spool, '--window', '0.3'];
  const first = spawnTswatch(args);
  await first.waitStderr('Watches established.');
  await waitFor(
    () => existsSync(join(spool, 'baselines')) && readdirSync(join(spool, 'baselines')).some((n) => n.endsWith('.json.gz')),
    'the baseline saved',
  );
  first.child.kill('SIGKILL');
  await first.exited;
  writeFileSync(join(dir, 'edited.conf'), 'tampered\n');
  chmodSync(join(dir, 'chmodded.conf'), 0o666);
  rmSync(join(dir, 'deleted.conf'));
  writeFileSync(join(dir, 'new.conf'), 'new\n');

  const second = spawnTswatch(args);
  await sink.until(1);
  const text = sink.received[0]!.mail.text ?? '';
  assert.match(text, /edited\.conf[\s\S]*content changed while tswatch was not running/);
  assert.match(text, /chmodded\.conf[\s\S]*permissions changed while tswatch was not running/);
  assert.match(text, /deleted\.conf[\s\S]*deleted while tswatch was not running/);
  assert.match(text, /new\.conf[\s\S]*created while tswatch was not running/);
  assert.doesNotMatch(text, /same\.conf/);
  second.child.kill('SIGTERM');
  assert.equal(await second.exited, 0, second.stderr);
});
