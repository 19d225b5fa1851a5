/** -d/--daemon and -s/--syslog. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { spawnTswatch } from '../helpers/spawn-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

/** The pid of the background process whose command line mentions `marker`. */
function daemonPid(marker: string): number | undefined {
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)) return Number(pid);
    } catch {
      // gone
    }
  }
  return undefined;
}

test('-d: returns 0 once the background watcher is set up; it appends events to -o FILE (created if missing)', async () => {
  const dir = tmpDir();
  const out = join(tmpDir(), 'events.log');
  const run = spawnTswatch(['-d', '-o', out, '-e', 'create', dir]);
  assert.equal(await run.exited, 0);
  assert.equal(run.stderr, ''); // -d implies -s: the set-up messages go to syslog, as inotifywait's
  const pid = daemonPid(out);
  assert.ok(pid, 'the daemon runs');
  after(() => process.kill(pid));
  writeFileSync(join(dir, 'one'), '');
  writeFileSync(join(dir, 'two'), '');
  await waitFor(() => readFileSync(out, 'utf8').includes('two'), 'two events in the outfile');
  assert.equal(readFileSync(out, 'utf8'), `${dir}/ CREATE one\n${dir}/ CREATE two\n`);
});

test('-d: an error before the watches are set up is relayed, exit 1', async () => {
  const run = spawnTswatch(['-d', '-o', join(tmpDir(), 'log'), join(tmpDir(), 'missing')]);
  assert.equal(await run.exited, 1);
  assert.match(run.stderr, /no such file or directory/);
});

test('-s: messages and errors leave stderr (for syslog)', async () => {
  const run = spawnTswatch(['-s', join(tmpDir(), 'missing')]);
  assert.equal(await run.exited, 1);
  assert.equal(run.stderr, '');
});

test('-s: what would go to stderr is handed to logger(1), tagged tswatch', async () => {
  // A stand-in logger(1) first on PATH records its arguments: there is no syslog daemon on a CI machine.
  const bin = tmpDir();
  const log = join(bin, 'logged');
  writeFileSync(join(bin, 'logger'), `#!/bin/sh\nprintf '%s|' "$@" >> '${log}'\necho >> '${log}'\n`, { mode: 0o755 });
  const dir = tmpDir();
  const run = spawnTswatch(['-s', '-t', '0.5', dir], { PATH: `${bin}:${process.env.PATH}` });
  assert.equal(await run.exited, 2);
  assert.equal(run.stderr, '');
  await waitFor(
    () => existsSync(log) && readFileSync(log, 'utf8').includes('Watches established.'),
    'the set-up messages in the stand-in syslog',
  );
  assert.deepEqual(readFileSync(log, 'utf8').split('\n').filter(Boolean).sort(), [
    '-t|tswatch|-p|user.notice|--|Setting up watches.|',
    '-t|tswatch|-p|user.notice|--|Watches established.|',
  ]);
});

test('-d: what happens while the background copy starts (it inherits the watches) is reported once, new trees whole', async () => {
  const dir = tmpDir();
  mkdirSync(join(dir, 'sub'));
  const out = join(tmpDir(), 'events.log');
  const run = spawnTswatch(['-d', '-r', '-t', '3', '-e', 'create', '-o', out, dir]);
  assert.equal(await run.exited, 0);
  // At once: the copy is still starting (a Node start-up), the kernel queues these for it.
  writeFileSync(join(dir, 'f'), '');
  mkdirSync(join(dir, 'new/deep'), { recursive: true });
  writeFileSync(join(dir, 'new/deep/x'), '');
  writeFileSync(join(dir, 'sub/g'), '');
  const expected = [
    `${dir}/ CREATE f`,
    `${dir}/ CREATE,ISDIR new`,
    `${dir}/new/ CREATE,ISDIR deep`,
    `${dir}/new/deep/ CREATE x`,
    `${dir}/sub/ CREATE g`,
  ];
  await waitFor(
    () => existsSync(out) && readFileSync(out, 'utf8').split('\n').filter(Boolean).length >= expected.length,
    'the five creates in the outfile',
  );
  assert.deepEqual(readFileSync(out, 'utf8').split('\n').filter(Boolean).sort(), expected.sort());
});

test('-d -r -e open: files opened while the background copy re-walks the tree it inherited are all reported', async () => {
  // The copy adds the same watches again; a walk that armed them narrowed (without the bits its own
  // reads echo in) would drop the user's opens for as long as it lasts.
  const dir = tmpDir();
  const files: string[] = [];
  for (let i = 0; i < 2000; i++) {
    mkdirSync(join(dir, `d${i}`));
    writeFileSync(join(dir, `d${i}`, 'f'), '');
    files.push(join(dir, `d${i}`, 'f'));
  }
  const out = join(tmpDir(), 'events.log');
  const run = spawnTswatch(['-d', '-m', '-r', '-t', '10', '-e', 'open', '--format', '%w%f', '-o', out, dir]);
  assert.equal(await run.exited, 0);
  const pid = daemonPid(out);
  after(() => pid && process.kill(pid));
  // One open a millisecond, from before the copy starts to well after its walk.
  for (const file of files) {
    readFileSync(file);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const seen = (): Set<string> => new Set(existsSync(out) ? readFileSync(out, 'utf8').split('\n') : []);
  await waitFor(
    () => files.every((file) => seen().has(file)),
    () => `every open in the outfile; missing ${files.filter((file) => !seen().has(file)).length}`,
  );
});
