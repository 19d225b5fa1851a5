/** A file written into a brand-new directory is one version of itself, not two (issue 17.10). */
import assert from 'node:assert/strict';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnTswatch } from '../../helpers/spawn-cli.js';
import { waitFor } from '../../helpers/wait-for.js';
import { backupDirs, walk } from '../../recipes/backup/backup-fixture.js';

const DIRS = 3;

/**
 * Every job queued before now has run: a chmod of SRC's top is a job on DEST's top, which waits for
 * every job before it, so once DEST's top has the new mode the earlier ones are done.
 */
async function settled(src: string, dest: string, mode: number): Promise<void> {
  chmodSync(src, mode);
  await waitFor(() => (statSync(dest).mode & 0o777) === mode, `DEST's top to get mode ${mode.toString(8)}`, 20_000);
}

test('live --versions: a file written into a new directory keeps no version identical to itself', { timeout: 60_000 }, async () => {
  const { src, dest } = backupDirs();
  const run = spawnTswatch(['backup', '--versions', '5', src, dest]);
  await run.waitStderr('watching');
  // Written, still open, in a new directory: the new directory is copied whole (its scan sees the file),
  // then the file's close copies it again, unchanged. Deterministic: the close waits for the first copy.
  for (let i = 0; i < DIRS; i++) {
    mkdirSync(join(src, `new${i}`));
    const fd = openSync(join(src, `new${i}/f`), 'w');
    writeSync(fd, `a${i}\n`);
    await waitFor(
      () => existsSync(join(dest, `new${i}/f`)) && readFileSync(join(dest, `new${i}/f`), 'utf8') === `a${i}\n`,
      `new${i}/f in DEST`,
      20_000,
    );
    closeSync(fd);
  }
  await settled(src, dest, 0o750);
  // The scan may have come between the open and the write and copied the file empty: that empty file is
  // a real previous version. One with the content the file has now is not.
  const versions = existsSync(join(dest, '.tswatch-versions')) ? walk(join(dest, '.tswatch-versions')).filter((p) => /T\d/.test(p)) : [];
  const identical = versions.filter((v) => {
    const file = v.replace(/^(.*)\/[^/]*T\d[^/]*$/, '$1');
    return readFileSync(join(dest, '.tswatch-versions', v), 'utf8') === readFileSync(join(dest, file), 'utf8');
  });
  assert.deepEqual(identical, [], 'no previous version identical to the file itself');
  // A real overwrite still keeps the one before.
  writeFileSync(join(src, 'new0/f'), 'b\n');
  const kept = join(dest, '.tswatch-versions/new0/f');
  await waitFor(() => existsSync(kept) && readdirSync(kept).length === 1, 'the version of new0/f', 20_000);
  run.child.kill('SIGTERM');
  assert.equal(await run.exited, 0, run.stderr);
});
