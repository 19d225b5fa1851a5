/** `tswatch backup` as a normal user, SRC holding a directory that user may not read (issue 17.5). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { treeWithLockedDir } from '../../helpers/locked-tree.js';
import { noTestUser, signalTestUserCommand, spawnAsTestUser, spawnTswatchAsTestUser, testUser } from '../../helpers/test-user.js';
import { waitFor } from '../../helpers/wait-for.js';

/** diff -r of two trees (the manifest aside), as root: tswatch's DEST against rsync's. */
function assertSameAs(reference: string, dest: string): void {
  const diff = spawnSync('diff', ['-r', '-x', '.tswatch-manifest', reference, dest], { encoding: 'utf8' });
  assert.equal(diff.status, 0, diff.stdout + diff.stderr);
}

test('backup --once as a normal user: everything readable is copied, the unreadable directory named, exit 23 as rsync', {
  skip: noTestUser(),
  timeout: 60_000,
}, async () => {
  const { root, src } = treeWithLockedDir('tswatch-backup-user-');
  const rsync = spawnAsTestUser('rsync', ['-a', `${src}/`, join(root, 'rsync')]);
  assert.equal(await rsync.exited, 23, `rsync's own "partial transfer": ${rsync.stderr}`);
  const dest = join(root, 'dest');
  const run = spawnTswatchAsTestUser(['backup', '--once', src, dest]);
  assert.equal(await run.exited, 23, run.stderr);
  assert.match(run.stderr, /cannot read SRC directory 'secret' \(permission denied\): not backed up\n {2}tswatch \(uid \d+\) needs read/);
  assert.match(run.stderr, /1 unreadable in SRC skipped/);
  assert.match(run.stderr, /1 path is not backed up: 'secret'/);
  assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(readFileSync(join(dest, 'z/deep/g'), 'utf8'), 'z/deep/g');
  assertSameAs(join(root, 'rsync'), dest);
});

test("live backup as a normal user keeps watching the readable rest; a restart leaves DEST's copy of the unreadable directory alone", {
  skip: noTestUser(),
  timeout: 60_000,
}, async () => {
  const { root, src } = treeWithLockedDir('tswatch-backup-user-');
  const dest = join(root, 'dest');
  // DEST already holds a copy of secret/ (made when it was readable): skipping SRC's must not delete it.
  const user = testUser();
  mkdirSync(join(dest, 'secret'), { recursive: true });
  writeFileSync(join(dest, 'secret/x'), 'copied earlier');
  for (const path of ['', 'secret', 'secret/x']) chownSync(join(dest, path), user.uid, user.gid);
  writeFileSync(join(dest, '.tswatch-manifest'), ['"secret"', '"secret/x"', ''].join('\n'));
  chownSync(join(dest, '.tswatch-manifest'), user.uid, user.gid);

  const run = spawnTswatchAsTestUser(['backup', src, dest]);
  await run.waitStderr('watching');
  assert.match(run.stderr, /cannot read SRC directory 'secret'/);
  const write = spawnAsTestUser('sh', [
    '-c',
    `echo live > '${join(src, 'z/deep/new')}' && mkdir '${join(src, 'a/sub')}' && echo in > '${join(src, 'a/sub/h')}'`,
  ]);
  assert.equal(await write.exited, 0, write.stderr);
  await waitFor(
    () => existsSync(join(dest, 'a/sub/h')) && existsSync(join(dest, 'z/deep/new')),
    'live copies beside the unreadable directory',
    30_000,
  );
  assert.equal(readFileSync(join(dest, 'z/deep/new'), 'utf8'), 'live\n');
  assert.equal(readFileSync(join(dest, 'secret/x'), 'utf8'), 'copied earlier', "DEST's copy of the skipped directory is kept");
  assert.equal(await signalTestUserCommand(run, 'SIGTERM'), 23, run.stderr);
  assert.match(run.stderr, /1 path is not backed up: 'secret'/);
});
