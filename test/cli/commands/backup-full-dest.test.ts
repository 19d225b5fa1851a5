/** A live backup whose DEST fills up: the failed copies are named, retried with backoff, and done once there is room (issue 17.9). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { noSmallFs, smallFs } from '../../helpers/small-fs.js';
import { spawnTswatch } from '../../helpers/spawn-cli.js';
import { tmpDir } from '../../helpers/tmp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';

/** Write `file` until its filesystem is full (ENOSPC). */
function fillUp(file: string): void {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
}

test('live: copies that fail on a full DEST are named, retried, and done once space is freed; nothing is left out', {
  skip: noSmallFs(),
  timeout: 60_000,
}, async () => {
  const src = join(tmpDir(), 'src');
  mkdirSync(src);
  const volume = smallFs(4 << 20);
  const dest = join(volume, 'dest');
  const backup = spawnTswatch(['backup', src, dest]);
  await backup.waitStderr('watching');
  fillUp(join(volume, 'filler'));
  const names = ['a.bin', 'b.bin', 'c.bin'];
  for (const name of names) writeFileSync(join(src, name), Buffer.alloc(200 * 1024, name));
  await backup.waitStderr("DEST's filesystem is full: the copies that fail for want of room are retried");
  await waitFor(
    () => names.every((name) => backup.stderr.includes(`cannot back up '${name}': DEST's filesystem is full`)),
    `each failed file named: ${backup.stderr}`,
  );
  assert.match(backup.stderr, /a watching backup copies what failed by itself once there is room/);
  rmSync(join(volume, 'filler'));
  await backup.waitStderr('room on DEST again: the 3 copies that failed for want of room are done');
  for (const name of names) assert.deepEqual(readFileSync(join(dest, name)), readFileSync(join(src, name)), name);
  const diff = spawnSync('diff', ['-r', '--exclude=.tswatch-*', src, dest], { encoding: 'utf8' });
  assert.equal(diff.status, 0, diff.stdout);
  // The restart list lost no line to the full disk, and holds no half-written one.
  const listed = readFileSync(join(dest, '.tswatch-manifest'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as string);
  assert.deepEqual(listed.sort(), names);
  const retries = backup.stderr.split("DEST's filesystem is full: the copies").length - 1;
  assert.equal(retries, 1, 'the outage is said once, not per retry');
  backup.child.kill('SIGTERM');
  assert.equal(await backup.exited, 0, backup.stderr);
  assert.doesNotMatch(backup.stderr, /not backed up/);
});
