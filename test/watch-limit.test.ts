import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { spawnCommand } from './helpers/spawn-cli.js';
import { tmpDir } from './helpers/tmp-dir.js';
import { waitFor } from './helpers/wait-for.js';

const fixture = fileURLToPath(new URL('./fixtures/autoadd-under-limit.js', import.meta.url));

test('hitting the watch limit while auto-adding emits a WatchLimitError and delivery goes on', async () => {
  const dir = tmpDir();
  // Its own user namespace gives the child its own inotify limit: 2 watches, the root and one more.
  const run = spawnCommand('unshare', [
    '-Ur',
    'sh',
    '-c',
    'echo 2 > /proc/sys/user/max_inotify_watches && exec "$0" "$@"',
    process.execPath,
    fixture,
    dir,
  ]);
  await waitFor(() => run.lines().includes('ready'), `the child to be ready: ${run.stderr}`);
  mkdirSync(join(dir, 'd1'));
  mkdirSync(join(dir, 'd2'));
  writeFileSync(join(dir, 'done'), '');
  assert.equal(await run.exited, 0);
  assert.deepEqual(
    run.lines().filter((l) => l.startsWith('event')),
    ['event d1', 'event d2', 'event done'],
  );
  assert.match(run.stdout, /^error WatchLimitError ENOSPC current fs\.inotify\.max_user_watches = 2; raise it with/m);
});
