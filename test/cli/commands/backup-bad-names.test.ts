/**
 * SRC names that cannot be mirrored: tswatch's own in DEST (.tswatch-manifest, .tswatch-versions at the
 * top, temp names anywhere) and names that are not UTF-8. Each is named, counted, exit 23; DEST's
 * journal is never touched (issue 17.10).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnTswatch } from '../../helpers/spawn-cli.js';
import { waitFor } from '../../helpers/wait-for.js';
import { backupDirs } from '../../recipes/backup/backup-fixture.js';

/** A path with a byte that is not UTF-8 in its last name (Buffer paths carry it exactly). */
const raw = (dir: string, name: string, byte: number): Buffer => Buffer.concat([Buffer.from(`${dir}/${name}`), Buffer.of(byte)]);

const TEMP = '.tswatch-tmp-0123456789ab';

test("--once: tswatch's own names and names that are not UTF-8 are each named once, counted as errors, exit 23", {
  timeout: 30_000,
}, async () => {
  const { src, dest } = backupDirs();
  mkdirSync(join(src, 'sub'));
  writeFileSync(join(src, 'sub/f'), 'x');
  writeFileSync(join(src, '.tswatch-manifest'), 'mine');
  writeFileSync(join(src, `sub/${TEMP}`), 't');
  mkdirSync(join(src, '.tswatch-versions'));
  writeFileSync(join(src, '.tswatch-versions/v'), 'v');
  writeFileSync(raw(src, 'raw', 0xff), 'r');
  const run = spawnTswatch(['backup', '--once', src, dest]);
  assert.equal(await run.exited, 23, run.stderr);
  for (const name of ['.tswatch-manifest', '.tswatch-versions', `sub/${TEMP}`]) {
    assert.equal(
      run.stderr.split(`SRC/${name}: not backed up, the name is tswatch's own in DEST\n  rename it`).length,
      2,
      `${name} named once: ${run.stderr}`,
    );
  }
  assert.match(run.stderr, /SRC\/raw\\xff: not backed up, the name is not UTF-8/);
  assert.match(run.stderr, /copied 1 \(1 B\).*, 4 with names that cannot be mirrored skipped, 4 errors/);
  assert.match(
    run.stderr,
    /4 paths are not backed up: '.tswatch-manifest', '.tswatch-versions', 'raw\\xff', 'sub\/.tswatch-tmp-0123456789ab'/,
  );
  assert.doesNotMatch(readFileSync(join(dest, '.tswatch-manifest'), 'utf8'), /mine/);
  assert.equal(existsSync(join(dest, '.tswatch-versions')), false);
  // --exclude says the user knows: not reported, exit 0.
  const excluded = spawnTswatch([
    'backup',
    '--once',
    ...['.tswatch-*', 'raw*', '.tswatch-tmp-*'].flatMap((g) => ['--exclude', g]),
    src,
    dest,
  ]);
  assert.equal(await excluded.exited, 0, excluded.stderr);
  assert.doesNotMatch(excluded.stderr, /not backed up/);
});

test("live: a write to SRC/.tswatch-manifest never reaches DEST's manifest; new such names are named, exit 23; renamed, they are backed up", {
  timeout: 60_000,
}, async () => {
  const { src, dest } = backupDirs();
  writeFileSync(join(src, 'a'), 'a');
  const run = spawnTswatch(['backup', src, dest]);
  await run.waitStderr('watching');
  writeFileSync(join(src, '.tswatch-manifest'), '"a"\n"evil"\n');
  mkdirSync(join(src, 'new'));
  writeFileSync(join(src, `new/${TEMP}`), 't');
  writeFileSync(raw(src, 'new/raw', 0xfe), 'r');
  writeFileSync(raw(src, 'top', 0xff), 'r');
  writeFileSync(join(src, 'b'), 'b');
  await run.waitStderr("SRC/.tswatch-manifest: not backed up, the name is tswatch's own in DEST");
  await run.waitStderr(`SRC/new/${TEMP}: not backed up`);
  await run.waitStderr('SRC/new/raw\\xfe: not backed up, the name is not UTF-8');
  await run.waitStderr('SRC/top\\xff: not backed up, the name is not UTF-8');
  await waitFor(() => existsSync(join(dest, 'b')), 'b in DEST', 20_000);
  const manifest = readFileSync(join(dest, '.tswatch-manifest'), 'utf8');
  assert.doesNotMatch(manifest, /evil/, "DEST's manifest is tswatch's own");
  assert.match(manifest, /"b"/);
  assert.equal(existsSync(join(dest, `new/${TEMP}`)), false);
  // Renamed to a name of the user's: backed up, and no longer reported at the end.
  renameSync(join(src, '.tswatch-manifest'), join(src, 'manifest'));
  await waitFor(() => existsSync(join(dest, 'manifest')), 'the renamed manifest in DEST', 20_000);
  assert.equal(readFileSync(join(dest, 'manifest'), 'utf8'), '"a"\n"evil"\n');
  assert.doesNotMatch(readFileSync(join(dest, '.tswatch-manifest'), 'utf8'), /evil/);
  run.child.kill('SIGTERM');
  assert.equal(await run.exited, 23, run.stderr);
  assert.match(run.stderr, /3 paths are not backed up: 'new\/.tswatch-tmp-0123456789ab', 'new\/raw\\xfe', 'top\\xff'/);
});
