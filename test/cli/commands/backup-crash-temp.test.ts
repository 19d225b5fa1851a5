/** kill -9 during a copy into a directory then removed from SRC: the next starts converge (issue 17.7). */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnTswatch } from '../../helpers/spawn-cli.js';
import { waitFor } from '../../helpers/wait-for.js';
import { assertSameTree, backupDirs, tempFiles } from '../../recipes/backup/backup-fixture.js';

const MB = 1024 * 1024;

test('kill -9 while copying d/big, then rm -rf src/d: the first --once removes the temp file and d, the next ones have nothing to say', {
  timeout: 120_000,
}, async () => {
  const { src, dest } = backupDirs();
  mkdirSync(join(src, 'd'));
  writeFileSync(join(src, 'd/small'), 'small');
  const run = spawnTswatch(['backup', src, dest]);
  await run.waitStderr('watching');
  writeFileSync(join(src, 'd/big'), Buffer.alloc(300 * MB, 'big '));
  await waitFor(
    () => existsSync(join(dest, 'd')) && tempFiles(join(dest, 'd')).some((p) => statSync(join(dest, 'd', p)).size > 0),
    'the temp file of d/big',
    60_000,
  );
  run.child.kill('SIGKILL');
  await run.exited;
  rmSync(join(src, 'd'), { recursive: true });

  for (const round of [1, 2, 3]) {
    const again = spawnTswatch(['backup', '--once', src, dest]);
    assert.equal(await again.exited, 0, again.stderr);
    assertSameTree(src, dest);
    assert.deepEqual(tempFiles(dest), [], `round ${round}: no temp file left`);
    assert.doesNotMatch(again.stderr, /only in DEST kept/, `round ${round}: ${again.stderr}`);
    if (round > 1) assert.doesNotMatch(again.stderr, /removing/, `round ${round}: nothing left to remove: ${again.stderr}`);
  }
});
