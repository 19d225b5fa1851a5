/** `tswatch daemon` and `tswatch ctl` as real processes: signals, reload, drain, pidfile, log, socket. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnCommand, spawnTswatch, TSWATCH_BIN } from '../../helpers/spawn-cli.js';
import { tmpDir } from '../../helpers/tmp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';

const lines = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

/** A command (argv, as YAML flow list) appending its file name as a line to `out`. */
const append = (out: string, tag = ''): string => `[sh, -c, 'printf "%s\\n" "${tag}$1" >> "$0"', '${out}', '{name}']`;

function setUp() {
  const root = tmpDir();
  const dirs = { a: join(root, 'a'), b: join(root, 'b'), c: join(root, 'c') };
  for (const dir of Object.values(dirs)) mkdirSync(dir);
  const outs = { a: join(root, 'out-a'), b: join(root, 'out-b'), c: join(root, 'out-c') };
  const config = join(root, 'tswatch.yaml');
  const pidfile = join(root, 'tswatch.pid');
  const ctl = (...args: string[]) => spawnTswatch(['ctl', '--pidfile', pidfile, ...args]);
  return { root, dirs, outs, config, pidfile, ctl };
}

async function ctlJson(run: ReturnType<typeof spawnTswatch>): Promise<Array<Record<string, unknown>>> {
  assert.equal(await run.exited, 0, run.stderr);
  return JSON.parse(run.stdout) as Array<Record<string, unknown>>;
}

test('SIGHUP reload: an unchanged watch keeps running and loses no event; changed and new watches take effect', async () => {
  const s = setUp();
  const watchA = `  - name: a\n    paths: [a]\n    exec: ${append(s.outs.a)}\n`;
  writeFileSync(s.config, `watches:\n${watchA}  - name: b\n    paths: [b]\n    exec: ${append(s.outs.b, 'old-')}\n`);
  const daemon = spawnTswatch(['daemon', '--config', s.config, '--pidfile', s.pidfile]);
  await daemon.waitStderr('Watches established.');
  const expected: string[] = [];
  const burst = (tag: string): void => {
    for (let i = 0; i < 50; i++) {
      writeFileSync(join(s.dirs.a, `${tag}${i}`), '');
      expected.push(`${tag}${i}`);
    }
  };
  burst('before');
  writeFileSync(
    s.config,
    `watches:\n${watchA}  - name: b\n    paths: [b]\n    exec: ${append(s.outs.b, 'new-')}\n  - name: c\n    paths: [c]\n    exec: ${append(s.outs.c)}\n`,
  );
  daemon.child.kill('SIGHUP');
  burst('during');
  await daemon.waitStderr('reloaded: 2 started, 1 unchanged, 0 stopped');
  burst('after');
  writeFileSync(join(s.dirs.b, 'x'), '');
  writeFileSync(join(s.dirs.c, 'y'), '');
  await waitFor(() => lines(s.outs.a).length >= expected.length && lines(s.outs.b).length > 0 && lines(s.outs.c).length > 0, 'every run');
  assert.deepEqual(lines(s.outs.a), expected, 'every event of the unchanged watch, once, in order');
  assert.deepEqual(lines(s.outs.b), ['new-x']);
  assert.deepEqual(lines(s.outs.c), ['y']);
  const status = await ctlJson(s.ctl('status', '--json'));
  assert.deepEqual(
    status.map((u) => u.name),
    ['a', 'b', 'c'],
  );
  assert.equal(status[0]!.events, 150, 'the unchanged watch kept its counters: it never restarted');
  daemon.child.kill('SIGTERM');
  assert.equal(await daemon.exited, 0);
  assert.ok(!existsSync(s.pidfile), 'pidfile removed on exit');
});

test('a broken config on reload is reported with file, line and key; the running config stays', async () => {
  const s = setUp();
  writeFileSync(s.config, `watches:\n  - name: a\n    paths: [a]\n    exec: ${append(s.outs.a)}\n`);
  const daemon = spawnTswatch(['daemon', '--config', s.config, '--pidfile', s.pidfile]);
  await daemon.waitStderr('Watches established.');
  writeFileSync(s.config, `watches:\n  - name: a\n    paths: [a]\n    events: create,bogus\n    exec: ${append(s.outs.a)}\n`);
  const reload = s.ctl('reload');
  assert.equal(await reload.exited, 1);
  assert.match(
    reload.stderr,
    new RegExp(
      `reload failed, keeping the running configuration: invalid config file:\\n\\s+${s.config}:4:5: watches\\[0\\]\\.events: unknown event name 'bogus'`,
    ),
  );
  await daemon.waitStderr('reload failed');
  writeFileSync(join(s.dirs.a, 'still'), '');
  await waitFor(() => lines(s.outs.a).includes('still'), 'the old config still at work');
  daemon.child.kill('SIGTERM');
  assert.equal(await daemon.exited, 0);
});

test('SIGTERM drains: every event queued before it is run, running commands finish, then exit 0', async () => {
  const s = setUp();
  // Each run takes a moment: most of the 30 are still queued when SIGTERM arrives.
  writeFileSync(
    s.config,
    `watches:\n  - name: a\n    paths: [a]\n    exec: [sh, -c, 'sleep 0.02; printf "%s\\n" "$1" >> "$0"', '${s.outs.a}', '{name}']\n`,
  );
  const daemon = spawnTswatch(['daemon', '--config', s.config, '--pidfile', s.pidfile]);
  await daemon.waitStderr('Watches established.');
  const names = Array.from({ length: 30 }, (_, i) => `f${i}`);
  for (const name of names) writeFileSync(join(s.dirs.a, name), '');
  daemon.child.kill('SIGTERM');
  assert.equal(await daemon.exited, 0);
  assert.deepEqual(lines(s.outs.a), names);
  assert.match(daemon.stderr, /SIGTERM: stopping/);
});

test('SIGTERM with a command that outlives --drain-timeout: it is stopped, the daemon exits', async () => {
  const s = setUp();
  writeFileSync(
    s.config,
    `drainTimeout: 0.3\nwatches:\n  - name: a\n    paths: [a]\n    killAfter: 1\n    exec: [sh, -c, 'echo started >> "$0"; while :; do sleep 0.01; done', '${s.outs.a}']\n`,
  );
  const daemon = spawnTswatch(['daemon', '--config', s.config, '--pidfile', s.pidfile]);
  await daemon.waitStderr('Watches established.');
  writeFileSync(join(s.dirs.a, 'go'), '');
  await waitFor(() => lines(s.outs.a).length === 1, 'the command to start');
  daemon.child.kill('SIGTERM');
  assert.equal(await daemon.exited, 0);
  assert.match(daemon.stderr, /drain timeout: commands still running were stopped/);
});

test('pidfile: a stale one is replaced; a live daemon is not started twice', async () => {
  const s = setUp();
  writeFileSync(s.config, `watches:\n  - paths: [a]\n    exec: ['true']\n`);
  const gone = spawn('true');
  await new Promise((resolve) => gone.on('exit', resolve));
  writeFileSync(s.pidfile, `${gone.pid}\n`);
  const daemon = spawnTswatch(['daemon', '--config', s.config, '--pidfile', s.pidfile]);
  await daemon.waitStderr('Watches established.');
  assert.match(daemon.stderr, new RegExp(`removed stale pidfile '${s.pidfile}' \\(pid ${gone.pid} is not running\\)`));
  assert.equal(readFileSync(s.pidfile, 'utf8'), `${daemon.child.pid}\n`);
  const second = spawnTswatch(['daemon', '--config', s.config, '--pidfile', s.pidfile]);
  assert.equal(await second.exited, 1);
  assert.match(second.stderr, new RegExp(`tswatch is already running as pid ${daemon.child.pid}`));
  daemon.child.kill('SIGINT');
  assert.equal(await daemon.exited, 0);
});

test('--log: commands output and messages go to the file; SIGUSR1 reopens it after a rotation', async () => {
  const s = setUp();
  const log = join(s.root, 'tswatch.log');
  writeFileSync(s.config, `watches:\n  - paths: [a]\n    exec: [sh, -c, 'echo "output for $0"', '{name}']\n`);
  const daemon = spawnTswatch(['daemon', '--config', s.config, '--pidfile', s.pidfile, '--log', log]);
  await waitFor(() => existsSync(log) && readFileSync(log, 'utf8').includes('Watches established.'), 'the log');
  writeFileSync(join(s.dirs.a, 'one'), '');
  await waitFor(() => readFileSync(log, 'utf8').includes('output for one'), 'the command output in the log');
  renameSync(log, `${log}.1`);
  daemon.child.kill('SIGUSR1');
  await waitFor(() => existsSync(log) && readFileSync(log, 'utf8').includes('log reopened'), 'the new log');
  writeFileSync(join(s.dirs.a, 'two'), '');
  await waitFor(() => readFileSync(log, 'utf8').includes('output for two'), 'output in the new log');
  assert.doesNotMatch(readFileSync(`${log}.1`, 'utf8'), /output for two/);
  daemon.child.kill('SIGTERM');
  assert.equal(await daemon.exited, 0);
  assert.equal(daemon.stderr, '', 'nothing on stderr with --log');
});

test('ctl: status table, pause and resume by name, stop; an unknown name lists the watches', async () => {
  const s = setUp();
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
  const s = setUp();
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
  const s = setUp();
  const open = join(s.root, 'open');
  mkdirSync(open);
  chmodSync(open, 0o777);
  writeFileSync(s.config, `watches:\n  - paths: [a]\n    exec: ['true']\n`);
  const daemon = spawnTswatch(['daemon', '--config', s.config, '--socket', join(open, 'ctl.sock')]);
  assert.equal(await daemon.exited, 1);
  assert.match(daemon.stderr, /unsafe directory for the control socket: '.*\/open' is writable by every user/);
});

test('a restart watch in the config: ctl status shows its pid; a reload that changes it frees the port first', async () => {
  const s = setUp();
  const server = join(s.root, 'server.cjs');
  const log = join(s.root, 'server.log');
  writeFileSync(
    server,
    `const fs = require('node:fs'); const net = require('node:net');
const srv = net.createServer().on('error', (e) => { fs.appendFileSync(${JSON.stringify(log)}, 'error ' + e.code + '\\n'); process.exit(1); });
srv.listen(Number(process.argv[2]), '127.0.0.1', () => fs.appendFileSync(${JSON.stringify(log)}, 'listening ' + process.pid + '\\n'));
process.on('SIGTERM', () => setTimeout(() => srv.close(() => process.exit(0)), 100));
`,
  );
  const { createServer } = await import('node:net');
  const probe = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => probe.once('listening', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
  const config = (debounce: number): string =>
    `watches:\n  - name: web\n    paths: [a]\n    debounce: ${debounce}\n    restart: ['${process.execPath}', '${server}', '${port}']\n`;
  writeFileSync(s.config, config(50));
  const daemon = spawnTswatch(['daemon', '--config', s.config, '--pidfile', s.pidfile]);
  await waitFor(() => lines(log).length === 1, 'the server');
  const [web] = await ctlJson(s.ctl('status', '--json'));
  const pid = Number(lines(log)[0]!.split(' ')[1]);
  assert.deepEqual((web!.action as { running: number[]; state: string }).running, [pid]);
  assert.equal((web!.action as { state: string }).state, 'running');
  writeFileSync(s.config, config(60));
  daemon.child.kill('SIGHUP');
  await waitFor(() => lines(log).length === 2, 'the server of the new config');
  assert.ok(
    lines(log).every((line) => line.startsWith('listening')),
    lines(log).join('\n'),
  );
  daemon.child.kill('SIGTERM');
  assert.equal(await daemon.exited, 0);
});
