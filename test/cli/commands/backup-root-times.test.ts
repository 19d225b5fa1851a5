/** DEST's own directory gets SRC's mode and mtime, as every directory below it does (issue 17.10). */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnTswatch } from '../../helpers/spawn-cli.js';
import { waitFor } from '../../helpers/wait-for.js';
import { backupDirs } from '../../recipes/backup/backup-fixture.js';

const sameTimes = (src: string, dest: string): boolean => Math.abs(statSync(src).mtimeMs - statSync(dest).mtimeMs) < 1;

test("--once: DEST gets SRC's mtime and mode, at its top as in subdirectories", { timeout: 30_000 }, async () => {
  const { src, dest } = backupDirs();
  mkdirSync(join(src, 'sub'));
  writeFileSync(join(src, 'sub/f'), 'x');
  writeFileSync(join(src, 'top'), 'y');
  const old = new Date('2020-01-01T00:00:00Z');
  utimesSync(join(src, 'sub'), old, old);
  utimesSync(src, old, old);
  chmodSync(src, 0o750);
  const run = spawnTswatch(['backup', '--once', src, dest]);
  assert.equal(await run.exited, 0, run.stderr);
  assert.equal(statSync(join(dest, 'sub')).mtime.toISOString(), old.toISOString());
  assert.equal(statSync(dest).mtime.toISOString(), old.toISOString(), "DEST's top directory");
  assert.equal(statSync(dest).mode & 0o7777, 0o750);
  // A second run that changes nothing leaves it so (the manifest rewritten in DEST must not move it).
  const again = spawnTswatch(['backup', '--once', src, dest]);
  assert.equal(await again.exited, 0, again.stderr);
  assert.equal(statSync(dest).mtime.toISOString(), old.toISOString());
});

test("live: after changes in SRC's top directory (with --versions), DEST's top has SRC's mtime again", { timeout: 30_000 }, async () => {
  const { src, dest } = backupDirs();
  mkdirSync(join(src, 'sub'));
  writeFileSync(join(src, 'sub/f'), 'one');
  const run = spawnTswatch(['backup', '--versions', '3', src, dest]);
  await run.waitStderr('watching');
  await waitFor(() => sameTimes(src, dest), "DEST's top to have SRC's mtime after the initial sync", 10_000);
  writeFileSync(join(src, 'new'), 'new');
  await waitFor(
    () => statSync(join(dest, 'new'), { throwIfNoEntry: false }) !== undefined && sameTimes(src, dest),
    "DEST's top to have SRC's mtime after a create in it",
    10_000,
  );
  // Overwriting sub/f keeps a version: .tswatch-versions appears in DEST's top directory, SRC's is unchanged.
  writeFileSync(join(src, 'sub/f'), 'two');
  await waitFor(
    () => statSync(join(dest, '.tswatch-versions/sub/f'), { throwIfNoEntry: false }) !== undefined,
    'the version of sub/f',
    10_000,
  );
  await waitFor(
    () => sameTimes(src, dest),
    `DEST's top to have SRC's mtime (${statSync(src).mtime.toISOString()}, DEST ${statSync(dest).mtime.toISOString()})`,
    10_000,
  );
  run.child.kill('SIGTERM');
  assert.equal(await run.exited, 0, run.stderr);
});
