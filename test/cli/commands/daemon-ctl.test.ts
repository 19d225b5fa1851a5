/** `tswatch ctl` against a real daemon: status, pause, resume, stop, and who may use the control socket. */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { append, ctlJson, daemonSetUp, lines } from '../../helpers/daemon-setup.js';
import { spawnCommand, spawnTswatch, TSWATCH_BIN } from '../../helpers/spawn-cli.js';
import { waitFor } from '../../helpers/wait-for.js';

test('ctl: status table, pause and resume by name, stop; an unknown name lists the watches', async () => {
  const s = daemonSetUp();
  writeFileSync(
    s.config,
    `watches:\n  - name: a\n    paths: [a]\n    exec: ${append(s.outs.a)}\n  - name: b\n    paths: [b]\n    exec: ${append(s.outs.b)}\n`,
  );
  const daemon = spawnTswatch(['daemon', '--config', s.config, '--pidfile', s.pidfile]);
  await daemon.waitStderr('Watches established.');
  const socket = join(s.root, 'tswatch.sock');
  assert.equal(statSync(socket).mode & 0o777, 0o600);
  writeFileSync(join(s.dirs.a, 'one'), '');
  await waitFor(() => lines(s.outs.a).length === 1, 'one run');
  const table = s.ctl('status');
  assert.equal(await table.exited, 0);
  const [header, rowA, rowB] = table.lines();
  assert.match(header!, /^NAME\s+STATE\s+WATCHES\s+EVENTS\s+ERRORS\s+OVERFLOWS\s+IGNORED\s+RUNNING\s+LAST EVENT\s+PATHS$/);
  assert.match(
    rowA!,
    new RegExp(
      `^a\\s+idle\\s+1\\s+1\\s+0\\s+0\\s+0\\s+-\\s+\\d\\d:\\d\\d:\\d\\d CLOSE_WRITE,CLOSE ${join(s.dirs.a, 'one')}\\s+${s.dirs.a}$`,
    ),
  );
  assert.match(rowB!, /^b\s+idle\s+1\s+0\s+0\s+0\s+0\s+-\s+-\s+/);
  const pause = s.ctl('pause', 'a');
  assert.equal(await pause.exited, 0);
  assert.equal(pause.stdout, "paused 'a'\n");
  writeFileSync(join(s.dirs.a, 'while-paused'), '');
  // The event is counted as ignored once it reached the paused watch: ask until it has.
  let paused: Array<Record<string, unknown>> = [];
  for (let i = 0; i < 200 && paused[0]?.ignored !== 1; i++) paused = await ctlJson(s.ctl('status', '--json'));
  assert.equal(paused[0]!.paused, true);
  assert.equal(paused[0]!.ignored, 1);
  assert.equal(paused[0]!.events, 1);
  assert.equal(await s.ctl('resume', 'a').exited, 0);
  writeFileSync(join(s.dirs.a, 'after'), '');
  await waitFor(() => lines(s.outs.a).length === 2, 'the run after resume');
  assert.deepEqual(lines(s.outs.a), ['one', 'after']);
  const unknown = s.ctl('pause', 'zzz');
  assert.equal(await unknown.exited, 1);
  assert.match(unknown.stderr, /no watch named 'zzz' \(watches: a, b\)/);
  const stop = s.ctl('stop');
  assert.equal(await stop.exited, 0);
  assert.equal(await daemon.exited, 0);
  assert.ok(!existsSync(socket) && !existsSync(s.pidfile), 'socket and pidfile removed');
});

test('the control socket refuses another user with a clear message (mode 0600, kernel-checked)', {
  skip: process.getuid?.() !== 0 && 'switching to nobody needs root',
}, async () => {
  const s = daemonSetUp();
  chmodSync(s.root, 0o755); // the directory is open: only the socket's own mode keeps nobody out
  writeFileSync(s.config, `watches:\n  - paths: [a]\n    exec: ['true']\n`);
  const daemon = spawnTswatch(['daemon', '--config', s.config, '--pidfile', s.pidfile]);
  await daemon.waitStderr('Watches established.');
  const socket = join(s.root, 'tswatch.sock');
  const asNobody = spawnCommand('setpriv', [
    '--reuid=nobody',
    '--regid=nogroup',
    '--clear-groups',
    process.execPath,
    TSWATCH_BIN,
    'ctl',
    '--socket',
    socket,
    'status',
  ]);
  assert.equal(await asNobody.exited, 1);
  assert.match(
    asNobody.stderr,
    new RegExp(
      `permission denied on the control socket '${socket}': it belongs to uid ${process.getuid!()}, and only the daemon's owner may control it`,
    ),
  );
  assert.match(asNobody.stderr, /run tswatch ctl as the user that started the daemon \(this is uid 65534\)/);
  assert.equal(asNobody.stdout, '');
  // With the directory closed as well (mode 0700), the message still says what is wrong.
  chmodSync(s.root, 0o700);
  const closed = spawnCommand('setpriv', [
    '--reuid=nobody',
    '--regid=nogroup',
    '--clear-groups',
    process.execPath,
    TSWATCH_BIN,
    'ctl',
    '--socket',
    socket,
    'status',
  ]);
  assert.equal(await closed.exited, 1);
  assert.match(closed.stderr, /permission denied on the control socket '.*': its directory is closed to this user/);
  const owner = s.ctl('status');
  assert.equal(await owner.exited, 0, 'the owner still gets in');
  daemon.child.kill('SIGTERM');
  assert.equal(await daemon.exited, 0);
});

test('a control socket in a directory every user may write to is refused', async () => {
  const s = daemonSetUp();
  const open = join(s.root, 'open');
  mkdirSync(open);
  chmodSync(open, 0o777);
  writeFileSync(s.config, `watches:\n  - paths: [a]\n    exec: ['true']\n`);
  const daemon = spawnTswatch(['daemon', '--config', s.config, '--socket', join(open, 'ctl.sock')]);
  assert.equal(await daemon.exited, 1);
  assert.match(daemon.stderr, /unsafe directory for the control socket: '.*\/open' is writable by every user/);
});
