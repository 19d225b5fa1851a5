/** DEST problems at start: clear errors, nothing created (issue 17.10, first part). */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnTswatch } from '../../helpers/spawn-cli.js';
import { noTestUser, spawnAsTestUser, spawnTswatchAsTestUser, testUserDir } from '../../helpers/test-user.js';
import { backupDirs } from '../../recipes/backup/backup-fixture.js';

test('DEST inside SRC is refused before it is created', { timeout: 30_000 }, async () => {
  const { src } = backupDirs();
  const run = spawnTswatch(['backup', '--once', src, join(src, 'in/deeper')]);
  assert.equal(await run.exited, 1);
  assert.match(run.stderr, /overlap/);
  assert.equal(existsSync(join(src, 'in')), false, 'nothing was created inside SRC');
});

test('DEST that is a file, or that the user may not create: one clear line, no stack trace', {
  skip: noTestUser(),
  timeout: 30_000,
}, async () => {
  const { src, dest } = backupDirs();
  mkdirSync(dest);
  writeFileSync(join(dest, 'file'), 'x');
  const file = spawnTswatch(['backup', '--once', src, join(dest, 'file')]);
  assert.equal(await file.exited, 1);
  assert.match(file.stderr, /backup destination '.*file' is not a directory\n {2}DEST must be a directory/);
  const home = testUserDir();
  mkdirSync(join(home, 'src'));
  const denied = spawnTswatchAsTestUser(['backup', '--once', join(home, 'src'), '/var/backups/tswatch-x']);
  assert.equal(await denied.exited, 1);
  assert.match(denied.stderr, /backup destination '\/var\/backups\/tswatch-x' cannot be created \(permission denied\)/);
  for (const run of [file, denied]) assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
});

test('DEST mode 555 as a normal user: one line naming DEST and the permission, nothing copied, no stack trace', {
  skip: noTestUser(),
  timeout: 30_000,
}, async () => {
  const home = testUserDir();
  const src = join(home, 'src');
  const dest = join(home, 'dest');
  const made = spawnAsTestUser('sh', [
    '-c',
    `mkdir -p '${src}/s' '${dest}' && echo x > '${src}/a' && echo y > '${src}/s/b' && chmod 555 '${dest}'`,
  ]);
  assert.equal(await made.exited, 0, made.stderr);
  const run = spawnTswatchAsTestUser(['backup', '--once', src, dest]);
  assert.equal(await run.exited, 1, run.stderr);
  assert.match(
    run.stderr,
    /^tswatch: backup destination '.*dest' is not writable \(permission denied\)\n {2}tswatch \(uid \d+\) needs write and search permission on DEST/,
  );
  assert.equal(run.stderr.trim().split('\n').length, 2, `one line and its hint: ${run.stderr}`);
  assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
});
