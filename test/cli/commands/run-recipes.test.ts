/** Recipes in a config file (`recipe: backup`, `recipe: alert`) and the root `tswatch --config`, end to end. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startSmtpSink } from '../../helpers/smtp-sink.js';
import { spawnTswatch } from '../../helpers/spawn-cli.js';
import { tmpDir } from '../../helpers/tmp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';

const read = (file: string): string | undefined => (existsSync(file) ? readFileSync(file, 'utf8') : undefined);

test('recipe: backup mirrors what is there and what is created, minus its excludes (paths relative to the file)', async () => {
  const root = tmpDir();
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'src', 'old.txt'), 'before');
  writeFileSync(
    join(root, 'tswatch.yaml'),
    'watches:\n  - name: mirror\n    recipe: backup\n    options: { src: src, dest: dest, versions: 2, exclude: ["*.tmp"] }\n',
  );
  const socket = join(tmpDir(), 'ctl.sock');
  const run = spawnTswatch(['run', '--config', join(root, 'tswatch.yaml'), '--socket', socket]);
  await run.waitStderr('Watches established.');
  assert.equal(read(join(root, 'dest', 'old.txt')), 'before', 'the initial sync');
  writeFileSync(join(root, 'src', 'scratch.tmp'), 'no');
  writeFileSync(join(root, 'src', 'new.txt'), 'created live');
  await waitFor(() => read(join(root, 'dest', 'new.txt')) === 'created live', 'new.txt in DEST');
  assert.equal(existsSync(join(root, 'dest', 'scratch.tmp')), false, 'excluded');
  // The status page and `ctl status` show the recipe's own state: its queue and when it last synced.
  const ctl = spawnTswatch(['ctl', 'status', '--json', '--socket', socket]);
  assert.equal(await ctl.exited, 0, ctl.stderr);
  const [mirror] = JSON.parse(ctl.stdout) as Array<{ action: { queued: number; lastSync: string } }>;
  assert.equal(mirror?.action.queued, 0);
  assert.match(mirror?.action.lastSync ?? '', /^\d{4}-\d\d-\d\dT/);
  run.child.kill('SIGINT');
  assert.equal(await run.exited, 0);
});

test('recipe: alert mails a matching change through a real SMTP server', async () => {
  const sink = await startSmtpSink();
  const root = tmpDir();
  mkdirSync(join(root, 'etc'));
  writeFileSync(
    join(root, 'tswatch.yaml'),
    `watches:
  - name: conf
    recipe: alert
    options:
      rules: [{ paths: [etc], events: [create], glob: ['*.conf'] }]
      mail: { to: ops@example.com, subjectPrefix: '[conf]' }
      smtp: { url: '${sink.url}' }
      spoolDir: spool
      window: 0.2
      hostReport: false
`,
  );
  const run = spawnTswatch(['run', '--config', join(root, 'tswatch.yaml')]);
  await run.waitStderr('Watches established.');
  writeFileSync(join(root, 'etc', 'notes.txt'), '');
  writeFileSync(join(root, 'etc', 'app.conf'), '');
  await sink.until(1);
  const [{ mail, envelopeTo }] = sink.received as [(typeof sink.received)[number]];
  assert.deepEqual(envelopeTo, ['ops@example.com']);
  assert.match(mail.subject ?? '', /^\[conf\] /);
  assert.ok(mail.text?.includes(join(root, 'etc', 'app.conf')), mail.text);
  assert.ok(!mail.text?.includes('notes.txt'), 'not matching the glob');
  await waitFor(() => run.stderr.includes('delivered'), 'the delivery logged');
  run.child.kill('SIGTERM');
  assert.equal(await run.exited, 0);
});

test('tswatch --config FILE runs the config as tswatch run does; no paths and no --config is an error naming both', async () => {
  const root = tmpDir();
  mkdirSync(join(root, 'in'));
  const config = join(root, 'tswatch.yaml');
  writeFileSync(config, 'watches:\n  - paths: [in]\n    exec: [cp, "{path}", out]\n');
  mkdirSync(join(root, 'out'));
  const run = spawnTswatch(['--config', config]);
  await run.waitStderr('Watches established.');
  writeFileSync(join(root, 'in', 'a; $(touch pwned)'), 'x');
  await waitFor(() => existsSync(join(root, 'out', 'a; $(touch pwned)')), 'the exec watch ran');
  assert.equal(existsSync(join(root, 'pwned')), false, 'a file name is never run');
  run.child.kill('SIGINT');
  assert.equal(await run.exited, 0);

  const both = spawnTswatch(['--config', config, join(root, 'in')]);
  assert.equal(await both.exited, 1);
  assert.match(both.stderr, /--config: the watches come from '.*tswatch\.yaml', so paths cannot be given too/);
  const none = spawnTswatch([]);
  assert.equal(await none.exited, 1);
  assert.match(none.stderr, /tswatch: no files specified to watch\n {2}give one or more paths .*or --config FILE/);
  const missing = spawnTswatch(['--config', join(root, 'nope.yaml')]);
  assert.equal(await missing.exited, 1);
  assert.match(missing.stderr, /cannot read config file '.*nope\.yaml': no such file/);
});
