/** -d/--daemon and -s/--syslog. */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
  await waitFor(() => existsSync(log) && readFileSync(log, 'utf8').includes('Watches established.'), 'the set-up messages in the stand-in syslog');
  assert.deepEqual(readFileSync(log, 'utf8').split('\n').filter(Boolean).sort(), [
    '-t|tswatch|-p|user.notice|--|Setting up watches.|',
    '-t|tswatch|-p|user.notice|--|Watches established.|',
  ]);
});
