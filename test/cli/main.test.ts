/** `tswatch` end to end, spawned as a user runs it. */
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { spawnCommand, spawnTswatch, TSWATCH_BIN } from '../helpers/spawn-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';

test('tswatch DIR --events create,delete prints the first event like inotifywait and exits 0', async () => {
  const dir = tmpDir();
  const run = spawnTswatch([dir, '--events', 'create,delete']);
  await run.waitStderr('Watches established.');
  writeFileSync(join(dir, 'foo'), '');
  assert.equal(await run.exited, 0);
  assert.equal(run.stdout, `${dir}/ CREATE foo\n`);
  assert.equal(run.stderr, 'Setting up watches.\nWatches established.\n');
});

test('-m -r: a stream of events with inotifywait names, new subdirectories included', async () => {
  const dir = tmpDir();
  const run = spawnTswatch(['-m', '-r', '-e', 'create', '-e', 'moved_from,moved_to,close_write', dir]);
  await run.waitStderr('Watches established.');
  assert.match(run.stderr, /^Setting up watches\. {2}Beware: since -r was given, this may take a while!\n/);
  mkdirSync(join(dir, 'sub'));
  // A file written and closed before tswatch watches sub/ can only be reported as a (synthetic) create:
  // its IN_CLOSE_WRITE happened before any watch could see it. Wait for sub/ to be watched first.
  await run.waitLines(1);
  writeFileSync(join(dir, 'sub/new'), 'x');
  renameSync(join(dir, 'sub/new'), join(dir, 'renamed'));
  await run.waitLines(5);
  assert.deepEqual(run.lines(), [
    `${dir}/ CREATE,ISDIR sub`,
    `${dir}/sub/ CREATE new`,
    `${dir}/sub/ CLOSE_WRITE,CLOSE new`,
    `${dir}/sub/ MOVED_FROM new`,
    `${dir}/ MOVED_TO renamed`,
  ]);
});

test('-q prints events but no messages; -qq prints nothing', async () => {
  const dir = tmpDir();
  const quiet = spawnTswatch(['-q', '-e', 'create', dir]);
  const silent = spawnTswatch(['-qq', '-e', 'create', dir]);
  // With -q there is no "Watches established." to wait for: poke until the first event is seen.
  let exited = 0;
  for (const run of [quiet, silent]) void run.exited.then(() => exited++);
  for (let i = 0; exited < 2; i++) {
    writeFileSync(join(dir, `probe${i}`), '');
    await new Promise((resolve) => setTimeout(resolve, 10)); // a poll interval, not a wait for the result
  }
  assert.equal(await quiet.exited, 0);
  assert.equal(await silent.exited, 0);
  assert.match(quiet.stdout, /^\S+\/ CREATE probe\d+\n$/);
  assert.equal(quiet.stderr + silent.stdout + silent.stderr, '');
});

test('output matches inotifywait on the same operations', async () => {
  const dir = tmpDir();
  const args = ['-m', '-e', 'create,delete,moved_from,moved_to,close_write,attrib', dir];
  const ours = spawnTswatch(args);
  const theirs = spawnCommand('inotifywait', args);
  await ours.waitStderr('Watches established.');
  await theirs.waitStderr('Watches established.');
  writeFileSync(join(dir, 'a'), 'x');
  mkdirSync(join(dir, 'd'));
  renameSync(join(dir, 'a'), join(dir, 'b'));
  rmSync(join(dir, 'b'));
  rmSync(join(dir, 'd'), { recursive: true });
  writeFileSync(join(dir, 'end'), '');
  await theirs.waitLines(9);
  await ours.waitLines(9);
  assert.deepEqual(ours.lines(), theirs.lines());
});

test('an unknown event name: exit 1, the name and the valid names on stderr', async () => {
  const run = spawnTswatch([tmpDir(), '-e', 'create,bogus']);
  assert.equal(await run.exited, 1);
  assert.match(run.stderr, /unknown event name 'bogus'/);
  assert.match(run.stderr, /valid event names: access, modify, .*close_write.*all/);
  assert.equal(run.stdout, '');
});

test('a missing path: exit 1 naming the path', async () => {
  const missing = join(tmpDir(), 'nope');
  const run = spawnTswatch([missing]);
  assert.equal(await run.exited, 1);
  assert.match(run.stderr, new RegExp(`'${missing}': no such file or directory`));
});

test('-t: exit 2 when no event comes in time', async () => {
  const run = spawnTswatch(['-q', '-t', '0.2', tmpDir()]);
  assert.equal(await run.exited, 2);
});

test('a bad --timeout value names the flag and the value', async () => {
  const run = spawnTswatch(['-t', 'soon', tmpDir()]);
  assert.equal(await run.exited, 1);
  assert.match(run.stderr, /--timeout: 'soon' is not a number of seconds/);
});

test('--help lists the options and event names; --version prints the version', async () => {
  const help = spawnTswatch(['--help']);
  assert.equal(await help.exited, 0);
  for (const word of ['--event', '--events', '--monitor', '--recursive', '--quiet', '--timeout', 'close_write', 'Examples']) {
    assert.ok(help.stdout.includes(word), `--help mentions ${word}`);
  }
  // A reader that closes the pipe early is no crash.
  const head = spawnCommand('sh', ['-c', '"$0" "$1" --help | head -1', process.execPath, TSWATCH_BIN]);
  assert.equal(await head.exited, 0);
  assert.equal(head.stderr, '');
  const version = spawnTswatch(['--version']);
  assert.equal(await version.exited, 0);
  assert.match(version.stdout, /^\d+\.\d+\.\d+/);
});

test('-m exits when every watched path is gone, after printing DELETE_SELF as inotifywait does', async () => {
  const dir = join(tmpDir(), 'doomed');
  mkdirSync(dir);
  const run = spawnTswatch(['-m', dir]);
  await run.waitStderr('Watches established.');
  rmSync(dir, { recursive: true });
  assert.equal(await run.exited, 0);
  assert.deepEqual(run.lines(), [`${dir}/ DELETE_SELF `]);
  assert.match(run.stderr, /Every watched path is gone/);
});

test('the inotify watch limit: -r fails before watching anything, saying it is not a full disk, with the sysctl', async () => {
  // A user namespace has its own limit, so the test can lower it without touching the machine's.
  const dir = tmpDir();
  for (let i = 0; i < 5; i++) mkdirSync(join(dir, `d${i}`));
  const run = spawnCommand('unshare', [
    '-Ur',
    'sh',
    '-c',
    'echo 3 > /proc/sys/user/max_inotify_watches && exec "$0" "$@"',
    process.execPath,
    TSWATCH_BIN,
    '-r',
    dir,
  ]);
  assert.equal(await run.exited, 1);
  assert.match(run.stderr, /inotify watch limit too low \(not a full disk\): watching needs 6 watches, only \d of 3 are free/);
  assert.match(run.stderr, /current fs\.inotify\.max_user_watches = 3; raise it with `sudo sysctl fs\.inotify\.max_user_watches=\d+`/);
});

test('without the native addon the CLI still works, on @parcel/watcher, with one plain warning', async () => {
  const dir = tmpDir();
  const run = spawnTswatch([dir, '-e', 'create'], { TSWATCH_NO_NATIVE: '1' });
  await run.waitStderr('Watches established.');
  writeFileSync(join(dir, 'foo'), '');
  assert.equal(await run.exited, 0);
  assert.equal(run.stdout, `${dir}/ CREATE foo\n`);
  const warnings = run.stderr.split('\n').filter((l) => l.includes('warning'));
  assert.equal(warnings.length, 1, run.stderr);
  assert.match(
    warnings[0]!,
    /^tswatch: warning: native inotify addon unavailable .*using @parcel\/watcher, which cannot deliver: IN_ACCESS/,
  );
});

test('install without a C++ compiler succeeds, says why, and leaves the built addon alone', async () => {
  const script = fileURLToPath(new URL('../../../scripts/build-addon.js', import.meta.url));
  const run = spawnCommand(process.execPath, [script], { CXX: '/nonexistent/g++', npm_command: 'rebuild' });
  assert.equal(await run.exited, 0);
  assert.match(
    run.stderr,
    /native inotify addon not built \(C\+\+ compiler '\/nonexistent\/g\+\+' \(from CXX\) not found\); falling back to @parcel\/watcher/,
  );
});

test('install keeps a build newer than its sources that loads, and rebuilds one older than a source', async () => {
  // A package of its own in a temp dir (the install script, the sources, a built addon), so the test
  // does not depend on when this checkout's files were last touched.
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const pkg = tmpDir();
  for (const file of [
    'package.json',
    'binding.gyp',
    'scripts/build-addon.js',
    'scripts/node-gyp-env.js',
    'build/Release/tswatch_inotify.node',
  ]) {
    mkdirSync(dirname(join(pkg, file)), { recursive: true });
    copyFileSync(join(root, file), join(pkg, file));
  }
  cpSync(join(root, 'native'), join(pkg, 'native'), { recursive: true });
  const addon = join(pkg, 'build/Release/tswatch_inotify.node');
  const later = new Date(Math.ceil(Date.now() / 1000) * 1000 + 60_000); // whole seconds: mtimes are not exact in floating point
  utimesSync(addon, later, later);
  const install = () =>
    spawnCommand(process.execPath, [join(pkg, 'scripts/build-addon.js')], { CXX: '/nonexistent/g++', npm_command: 'ci' });
  const kept = install();
  assert.equal(await kept.exited, 0);
  assert.equal(kept.stderr, '', 'an up-to-date build is kept: no compiler is looked for');
  assert.ok(Math.abs(statSync(addon).mtimeMs - later.getTime()) < 1, 'the addon was not rebuilt');
  const newer = new Date(Date.now() + 120_000);
  utimesSync(join(pkg, 'native/inotify.cc'), newer, newer);
  const rebuilt = install();
  assert.equal(await rebuilt.exited, 0);
  assert.match(
    rebuilt.stderr,
    /C\+\+ compiler '\/nonexistent\/g\+\+' \(from CXX\) not found/,
    'a source newer than the build: a rebuild is tried',
  );
});

test('--backend chooses the backend, --poll-interval tunes polling; bad values name the flag and the valid set', async () => {
  const dir = tmpDir();
  // open is an event only the native backend delivers: with --backend poll it is warned about, once.
  const polled = spawnTswatch([dir, '-e', 'create,open', '--backend', 'poll', '--poll-interval', '50']);
  await polled.waitStderr('Watches established.');
  assert.match(polled.stderr, /tswatch: warning: the poll backend cannot deliver IN_OPEN/);
  writeFileSync(join(dir, 'polled'), '');
  assert.equal(await polled.exited, 0);
  assert.equal(polled.stdout, `${dir}/ CREATE polled\n`);
  const bad = spawnTswatch([dir, '--backend', 'kqueue']);
  assert.equal(await bad.exited, 1);
  assert.match(bad.stderr, /'kqueue' is invalid\. Allowed choices are inotify, fanotify, parcel, poll, auto/);
  const badInterval = spawnTswatch([dir, '--backend', 'poll', '--poll-interval', 'soon']);
  assert.equal(await badInterval.exited, 1);
  assert.match(badInterval.stderr, /--poll-interval: 'soon' is not a positive number of milliseconds/);
});
