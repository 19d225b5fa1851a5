/** `tswatch daemon`'s pidfile (stale or live) and --log (with SIGUSR1 after a rotation), as real processes. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { daemonSetUp } from '../../helpers/daemon-setup.js';
import { spawnTswatch } from '../../helpers/spawn-cli.js';
import { waitFor } from '../../helpers/wait-for.js';

test('pidfile: a stale one is replaced; a live daemon is not started twice', async () => {
  const s = daemonSetUp();
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
  const s = daemonSetUp();
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
