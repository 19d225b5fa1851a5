import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { DoctorReport } from '../../../cli/doctor-report.js';
import { spawnCommand, spawnTswatch, TSWATCH_BIN } from '../../helpers/spawn-cli.js';
import { noTestUser, spawnTswatchAsTestUser, testUserDir } from '../../helpers/test-user.js';
import { tmpDir } from '../../helpers/tmp-dir.js';

/** `tswatch doctor ARGS` in its own user namespace, after the shell commands `setup` (given $DIR). */
async function doctorInNamespace(unshare: string[], setup: string, args: string[], dir: string) {
  const command = [...unshare, 'sh', '-c', `${setup} && exec "$0" "$@"`, process.execPath, TSWATCH_BIN, 'doctor', ...args];
  const run = spawnCommand('unshare', command, { DIR: dir });
  const code = await run.exited;
  return { code, stdout: run.stdout, stderr: run.stderr };
}

test('doctor on a tmpfs: its filesystem, the native backend, the watch budget, all well', async () => {
  const dir = join(tmpDir(), 'mount point; $(x)'); // mountinfo escapes the space
  mkdirSync(dir);
  const setup = 'mount -t tmpfs none "$DIR" && mkdir "$DIR/a" "$DIR/a/b" && touch "$DIR/f"';
  const run = await doctorInNamespace(['-Urm'], setup, ['--json', dir], dir);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const report = JSON.parse(run.stdout) as DoctorReport;
  assert.equal(report.ok, true);
  assert.equal(report.backend.name, 'inotify');
  assert.match(report.backend.why, /^native addon .*\.node$/);
  assert.deepEqual(report.paths, [
    { path: dir, exists: true, fsType: 'tmpfs', mountPoint: dir, backend: 'inotify', budget: { watches: 3, capped: false, unreadable: 0 } },
  ]);
});

test('doctor on the root filesystem names the filesystem findmnt names', async () => {
  const dir = tmpDir();
  const findmnt = spawnSync('findmnt', ['-n', '-o', 'FSTYPE,TARGET', '--target', dir], { encoding: 'utf8' });
  assert.equal(findmnt.status, 0, findmnt.stderr);
  const [fsType, target] = findmnt.stdout.trim().split(/\s+/);
  const run = spawnTswatch(['doctor', dir]);
  assert.equal(await run.exited, 0, run.stdout);
  assert.match(run.stdout, /^backend {5}inotify: native addon /m);
  assert.match(run.stdout, /^limits {6}max_user_watches \d+, max_user_instances \d+, max_queued_events \d+$/m);
  assert.match(run.stdout, /^in use {6}\d+ watches in \d+ inotify instances/m);
  assert.ok(run.stdout.includes(`${dir}  ${fsType} on ${target}, inotify; recursive watch: 1 watch\n`), run.stdout);
  assert.match(run.stdout, /^all well$/m);
});

test('a recursive watch needing more watches than the limit: exit 1 with the sysctl lines and a sysctl.d file', async () => {
  const dir = tmpDir();
  for (const sub of ['a', 'b', 'c', 'a/d', 'a/d/e']) mkdirSync(join(dir, sub));
  writeFileSync(join(dir, 'file'), '');
  const lower = 'echo 3 > /proc/sys/user/max_inotify_watches';
  const run = await doctorInNamespace(['-Ur'], lower, [dir], dir);
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.ok(run.stdout.includes(`${dir}  `) && run.stdout.includes('recursive watch: 6 watches\n'), run.stdout);
  assert.match(
    run.stdout,
    /^1 problem:\n {2}a recursive watch needs 6 watches, 3 are free \(fs\.inotify\.max_user_watches = 3, 0 in use\)\n/m,
  );
  assert.match(
    run.stdout,
    /^ {4}sudo sysctl fs\.inotify\.max_user_watches=524288\n {4}printf '%s\\n' 'fs\.inotify\.max_user_watches=524288' \| sudo tee \/etc\/sysctl\.d\/60-tswatch\.conf\n/m,
  );
  const json = await doctorInNamespace(['-Ur'], lower, ['--json', dir], dir);
  const report = JSON.parse(json.stdout) as DoctorReport;
  assert.equal(json.code, 1);
  assert.equal(report.limits.max_user_watches, 3);
  assert.equal(report.problems[0]!.fix[0], 'sudo sysctl fs.inotify.max_user_watches=524288');
});

test('doctor says when tswatch would fall back to @parcel/watcher, and a missing path', async () => {
  const missing = join(tmpDir(), 'gone');
  const run = spawnTswatch(['doctor', missing], { TSWATCH_NO_NATIVE: '1' });
  assert.equal(await run.exited, 1);
  assert.match(run.stdout, /^backend {5}parcel: fallback: no open\/close\/access\/attrib events, no paired moves$/m);
  assert.match(
    run.stdout,
    /^2 problems:\n {2}native inotify addon unavailable: disabled by TSWATCH_NO_NATIVE=1\n {4}unset TSWATCH_NO_NATIVE\n/m,
  );
  assert.ok(run.stdout.includes(`  ${missing}: no such file or directory\n`), run.stdout);
});

test('doctor on /proc notes that inotify does not see its changes', async () => {
  const run = spawnTswatch(['doctor', '--json', '/proc/self']);
  await run.exited;
  const report = JSON.parse(run.stdout) as DoctorReport;
  assert.equal(report.paths[0]!.fsType, 'proc');
  assert.match(report.paths[0]!.caveat ?? '', /pseudo filesystem: its files change without inotify events/);
});

test('doctor names a bad TSWATCH_BACKEND and the valid ones', async () => {
  const run = spawnTswatch(['doctor'], { TSWATCH_BACKEND: 'kqueue' });
  assert.equal(await run.exited, 1);
  assert.match(run.stdout, /^backend {5}none: unknown backend 'kqueue' \(from TSWATCH_BACKEND\)$/m);
  assert.match(run.stdout, /^ {4}valid backends: inotify, fanotify, parcel, poll, auto$/m);
});

test('doctor says fanotify is usable as root, and not in a user namespace, where --backend fanotify is a problem', {
  skip: process.getuid?.() === 0 ? false : 'needs root',
}, async () => {
  const dir = tmpDir();
  const run = spawnTswatch(['doctor', dir]);
  assert.equal(await run.exited, 0, run.stdout);
  assert.match(run.stdout, /^fanotify {4}usable for the paths given: filesystem marks, no watch limit, events name the writing process$/m);
  const inNs = await doctorInNamespace(['-Urm'], 'export TSWATCH_BACKEND=fanotify', [dir], dir);
  assert.equal(inNs.code, 1, inNs.stdout + inNs.stderr);
  assert.match(
    inNs.stdout,
    /^fanotify {4}not usable: fanotify backend unavailable: fanotify filesystem marks need CAP_SYS_ADMIN in the initial user namespace; this process runs in a user namespace/m,
  );
  assert.match(inNs.stdout, /^ {12}use the inotify backend instead/m);
});

test('doctor as a user without CAP_SYS_ADMIN says why fanotify is not usable', { skip: noTestUser() }, async () => {
  const dir = testUserDir();
  const run = spawnTswatchAsTestUser(['doctor', dir]);
  assert.equal(await run.exited, 0, run.stdout + run.stderr);
  assert.match(
    run.stdout,
    /^fanotify {4}not usable: fanotify backend unavailable: fanotify filesystem marks need root \(CAP_SYS_ADMIN\); running as tswatch-test/m,
  );
});
