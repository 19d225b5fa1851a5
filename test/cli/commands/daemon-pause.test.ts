/** `tswatch ctl pause/resume` on watches whose recipe watches by itself (backup, alert): real daemon, real files. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnTswatch } from '../../helpers/spawn-cli.js';
import { tmpDir } from '../../helpers/tmp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';

const read = (file: string): string | undefined => (existsSync(file) ? readFileSync(file, 'utf8') : undefined);

test('ctl pause on a backup watch stops its copies; resume copies (and deletes) what changed meanwhile', { timeout: 60_000 }, async () => {
  const root = tmpDir();
  for (const dir of ['src', 'other']) mkdirSync(join(root, dir));
  writeFileSync(join(root, 'src', 'old.txt'), 'before');
  // `witness` is an unpaused backup in the same daemon (one inotify fd, events read in kernel order):
  // once it has copied a file written after the paused one's, the paused one would have had its event too.
  writeFileSync(
    join(root, 'tswatch.yaml'),
    'watches:\n  - name: mirror\n    recipe: backup\n    options: { src: src, dest: dest }\n  - name: witness\n    recipe: backup\n    options: { src: other, dest: other-dest }\n',
  );
  const pidfile = join(root, 'tswatch.pid');
  const ctl = (...args: string[]) => spawnTswatch(['ctl', '--pidfile', pidfile, ...args]);
  const daemon = spawnTswatch(['daemon', '--config', join(root, 'tswatch.yaml'), '--pidfile', pidfile]);
  try {
    await daemon.waitStderr('Watches established.');
    assert.equal(read(join(root, 'dest', 'old.txt')), 'before', 'the initial sync');
    writeFileSync(join(root, 'src', 'live.txt'), 'live');
    await waitFor(() => read(join(root, 'dest', 'live.txt')) === 'live', 'a live copy before the pause');

    const pause = ctl('pause', 'mirror');
    assert.equal(await pause.exited, 0, pause.stderr);
    assert.equal(pause.stdout, "paused 'mirror'\n");
    writeFileSync(join(root, 'src', 'while-paused.txt'), 'paused');
    rmSync(join(root, 'src', 'old.txt'));
    writeFileSync(join(root, 'other', 'after.txt'), 'witness');
    await waitFor(() => read(join(root, 'other-dest', 'after.txt')) === 'witness', 'the witness copy');
    const status = ctl('status', '--json');
    assert.equal(await status.exited, 0, status.stderr);
    const [mirror] = JSON.parse(status.stdout) as Array<{ paused: boolean; action: { queued: number } }>;
    assert.equal(mirror?.paused, true);
    assert.equal(existsSync(join(root, 'dest', 'while-paused.txt')), false, 'not copied while paused');
    assert.equal(read(join(root, 'dest', 'old.txt')), 'before', 'not deleted while paused');

    const resume = ctl('resume', 'mirror');
    assert.equal(await resume.exited, 0, resume.stderr);
    assert.equal(resume.stdout, "resumed 'mirror'\n");
    await waitFor(() => read(join(root, 'dest', 'while-paused.txt')) === 'paused', 'the file created while paused, copied on resume');
    await waitFor(() => !existsSync(join(root, 'dest', 'old.txt')), 'the file deleted while paused, deleted on resume');
    writeFileSync(join(root, 'src', 'after-resume.txt'), 'watched again');
    await waitFor(() => read(join(root, 'dest', 'after-resume.txt')) === 'watched again', 'live copies again after resume');
    const stop = ctl('stop');
    assert.equal(await stop.exited, 0, stop.stderr);
    assert.equal(await daemon.exited, 0);
  } finally {
    daemon.child.kill('SIGKILL');
  }
});

test('ctl pause on an alert watch is refused with a message, not answered "paused"', { timeout: 60_000 }, async () => {
  const root = tmpDir();
  mkdirSync(join(root, 'etc'));
  const alert = { rules: [{ paths: ['etc'] }], mail: { to: 'ops@example.com' }, dryRun: true, hostReport: false, spoolDir: 'spool' };
  writeFileSync(join(root, 'tswatch.yaml'), `watches:\n  - name: conf\n    recipe: alert\n    options: ${JSON.stringify(alert)}\n`);
  const pidfile = join(root, 'tswatch.pid');
  const daemon = spawnTswatch(['daemon', '--config', join(root, 'tswatch.yaml'), '--pidfile', pidfile]);
  try {
    await daemon.waitStderr('Watches established.');
    const pause = spawnTswatch(['ctl', '--pidfile', pidfile, 'pause', 'conf']);
    assert.equal(await pause.exited, 1);
    assert.equal(pause.stdout, '');
    assert.match(pause.stderr, /watch 'conf' cannot be paused: its recipe watches by itself and has no pause/);
    assert.match(pause.stderr, /remove it from the config file and run tswatch ctl reload/);
    const status = spawnTswatch(['ctl', '--pidfile', pidfile, 'status', '--json']);
    assert.equal(await status.exited, 0, status.stderr);
    assert.equal((JSON.parse(status.stdout) as Array<{ paused: boolean }>)[0]?.paused, false);
  } finally {
    daemon.child.kill('SIGKILL');
  }
});
