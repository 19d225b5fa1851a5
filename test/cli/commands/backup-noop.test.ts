/**
 * A re-sync of an unchanged tree only looks (issue 17.11): nothing in DEST is written, not even its
 * directories' metadata or the manifest. And the walk's fast reading of names keeps every name exact.
 */
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnTswatch } from '../../helpers/spawn-cli.js';
import { waitFor } from '../../helpers/wait-for.js';
import { backupDirs, walk } from '../../recipes/backup/backup-fixture.js';

/** ctime and inode of DEST and everything in it: any chmod, utimes, write or rename changes one of them. */
function changeMarks(dest: string): Map<string, string> {
  const marks = new Map<string, string>();
  for (const rel of ['', ...walk(dest)]) {
    const st = lstatSync(join(dest, rel), { bigint: true });
    marks.set(rel, `${st.ino}:${st.ctimeNs}`);
  }
  return marks;
}

test('--once on an unchanged tree changes nothing in DEST: no directory metadata set again, no manifest rewritten', {
  timeout: 30_000,
}, async () => {
  const { src, dest } = backupDirs();
  for (const d of ['a', 'a/b', 'c']) mkdirSync(join(src, d));
  for (const f of ['top', 'a/one', 'a/b/two', 'c/three']) writeFileSync(join(src, f), f);
  symlinkSync('top', join(src, 'link'));
  const first = spawnTswatch(['backup', '--once', src, dest]);
  assert.equal(await first.exited, 0, first.stderr);
  const before = changeMarks(dest);
  // The clock must have moved past DEST's last change, or a change now could carry the same ctime.
  const probe = join(src, '..', 'probe');
  const newest = Math.max(...[...before.values()].map((m) => Number(BigInt(m.split(':')[1]!) / 1000n)));
  await waitFor(() => {
    writeFileSync(probe, '');
    return Number(lstatSync(probe, { bigint: true }).ctimeNs / 1000n) > newest;
  }, 'the filesystem clock to move on');
  const again = spawnTswatch(['backup', '--once', src, dest]);
  assert.equal(await again.exited, 0, again.stderr);
  assert.match(again.stderr, /copied 0 \(0 B\), 5 unchanged, 0 errors/);
  const changed = [...changeMarks(dest)].filter(([rel, mark]) => before.get(rel) !== mark).map(([rel]) => rel || 'DEST');
  assert.deepEqual(changed, [], `a no-op re-sync wrote to ${changed.join(', ')}`);
});

test('names that hold U+FFFD itself are backed up as they are, beside a name that is not UTF-8 in the same directory', {
  timeout: 30_000,
}, async () => {
  const { src, dest } = backupDirs();
  mkdirSync(join(src, 'mixed'));
  mkdirSync(join(src, 'dir\ufffd'));
  writeFileSync(join(src, 'mixed/ok\ufffd'), 'valid UTF-8');
  writeFileSync(join(src, 'dir\ufffd/f'), 'inside');
  writeFileSync(Buffer.concat([Buffer.from(join(src, 'mixed/raw')), Buffer.of(0xff)]), 'not UTF-8');
  const run = spawnTswatch(['backup', '--once', src, dest]);
  assert.equal(await run.exited, 23, run.stderr);
  assert.match(run.stderr, /SRC\/mixed\/raw\\xff: not backed up, the name is not UTF-8/);
  assert.deepEqual(readdirSync(join(dest, 'mixed')).sort(), ['ok\ufffd']);
  assert.deepEqual(readdirSync(join(dest, 'dir\ufffd')), ['f']);
  // And the re-sync sees them as unchanged (the raw one is refused again, not taken for ok\ufffd).
  const again = spawnTswatch(['backup', '--once', src, dest]);
  assert.equal(await again.exited, 23, again.stderr);
  assert.match(again.stderr, /copied 0 \(0 B\), 2 unchanged, 1 with names that cannot be mirrored skipped/);
});
