/** `tswatch daemon` and its signals, as real processes: SIGHUP reloads the config, SIGTERM drains. */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { append, ctlJson, daemonSetUp, lines } from '../../helpers/daemon-setup.js';
import { spawnTswatch } from '../../helpers/spawn-cli.js';
import { waitFor } from '../../helpers/wait-for.js';

test('SIGHUP reload: an unchanged watch keeps running and loses no event; changed and new watches take effect', async () => {
  const s = daemonSetUp();
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
  const s = daemonSetUp();
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
  const s = daemonSetUp();
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
  const s = daemonSetUp();
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
