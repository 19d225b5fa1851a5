/** `tswatch alert -r` as a normal user on a tree holding a directory that user may not read (issue 17.5, alert half). */
import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { treeWithLockedDir } from '../../helpers/locked-tree.js';
import { noTestUser, signalTestUserCommand, spawnAsTestUser, spawnTswatchAsTestUser } from '../../helpers/test-user.js';
import { waitFor } from '../../helpers/wait-for.js';

const count = (text: string, part: string): number => text.split(part).length - 1;
/** The printed mails with quoted-printable's soft line breaks undone. */
const text = (stdout: string): string => stdout.replace(/=\r?\n/g, '');
const skipped = (dir: string): string => `cannot read directory '${dir}' (permission denied): not watched`;

async function stop(run: ReturnType<typeof spawnTswatchAsTestUser>): Promise<void> {
  assert.equal(await signalTestUserCommand(run, 'SIGTERM'), 0, run.stderr);
}

async function asUser(script: string): Promise<void> {
  const sh = spawnAsTestUser('sh', ['-c', script]);
  assert.equal(await sh.exited, 0, sh.stderr);
}

test('alert -r --checksum as a normal user: the unreadable directory is named once, the files beside it are baselined and watched', {
  skip: noTestUser(),
  timeout: 30_000,
}, async () => {
  const { src, secret } = treeWithLockedDir('tswatch-alert-user-');
  const locked = join(src, 'a/private'); // root's, mode 600: its mode and size are seen, its content not
  writeFileSync(locked, 'root only', { mode: 0o600 });
  const run = spawnTswatchAsTestUser(['alert', '-r', src, '--checksum', '--dry-run', '--window', '0.2', '--no-host-report']);
  await run.waitStderr('Watches established.');
  assert.equal(count(run.stderr, skipped(secret)), 1, run.stderr);
  assert.match(run.stderr, /\n {2}tswatch \(uid \d+\) needs read and search permission on it/);
  assert.equal(
    count(run.stderr, `cannot read file '${locked}' (permission denied): its content is not checked (--checksum)`),
    1,
    run.stderr,
  );
  assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');

  appendFileSync(locked, ' and more'); // checked again, and again unreadable: not said twice
  // a/f's change is only seen against its baseline, which the start took beside the locked directory.
  await asUser(`echo more >> '${join(src, 'a/f')}' && echo new > '${join(src, 'z/deep/new')}'`);
  const changed = new RegExp(`${join(src, 'a/f')} \\(\\d+\\)\\n {2}[\\d:]+ {2}content changed`);
  const mailed = (): boolean => text(run.stdout).includes(`${join(src, 'z/deep/new')} (`) && changed.test(text(run.stdout));
  await waitFor(mailed, () => `the new file and the changed one mailed\nstdout: ${run.stdout}\nstderr: ${run.stderr}`, 15_000);
  await stop(run);
  assert.equal(count(run.stderr, skipped(secret)), 1, `named once: ${run.stderr}`);
  assert.equal(count(run.stderr, `'${locked}'`), 1, `named once: ${run.stderr}`);
});

test('alert -r --match as a normal user: a log it may not read is named once, however often it is written; the readable logs are followed', {
  skip: noTestUser(),
  timeout: 30_000,
}, async () => {
  const { src } = treeWithLockedDir('tswatch-alert-user-');
  const locked = join(src, 'a/app.log');
  writeFileSync(locked, 'ERROR before\n', { mode: 0o600 });
  const run = spawnTswatchAsTestUser(['alert', '-r', src, '--match', 'ERROR', '--dry-run', '--window', '0.2', '--no-host-report']);
  await run.waitStderr('Watches established.');
  const said = `cannot read file '${locked}' (permission denied): its new lines are not followed (--match)`;
  assert.equal(count(run.stderr, said), 1, run.stderr);
  appendFileSync(locked, 'ERROR hidden 1\n');
  appendFileSync(locked, 'ERROR hidden 2\n');
  await asUser(`echo 'ERROR visible' >> '${join(src, 'z/deep/g')}'`);
  await waitFor(
    () => text(run.stdout).includes('ERROR visible'),
    () => `the readable log's line mailed\nstdout: ${run.stdout}\nstderr: ${run.stderr}`,
    15_000,
  );
  await stop(run);
  assert.equal(count(run.stderr, `'${locked}'`), 1, `named once: ${run.stderr}`);
  assert.doesNotMatch(run.stderr, /EACCES|\n\s+at /, 'no raw error, no stack trace');
});

test('alert -r as a normal user: a locked directory moved in while watching is named, and the rest still alerts', {
  skip: noTestUser(),
  timeout: 30_000,
}, async () => {
  const { root, src } = treeWithLockedDir('tswatch-alert-user-');
  const run = spawnTswatchAsTestUser(['alert', '-r', src, '-e', 'create', '--dry-run', '--window', '0.2', '--no-host-report']);
  await run.waitStderr('Watches established.');
  // Made locked outside and moved in whole: the watcher can never catch it readable.
  const later = join(root, 'later');
  mkdirSync(later);
  chmodSync(later, 0o700);
  renameSync(later, join(src, 'later'));
  await run.waitStderr(skipped(join(src, 'later')));
  await asUser(`echo new > '${join(src, 'a/after')}'`);
  await waitFor(
    () => text(run.stdout).includes(`${join(src, 'a/after')} (`),
    () => `a/after mailed: ${run.stdout}`,
    15_000,
  );
  await stop(run);
  assert.equal(count(run.stderr, skipped(join(src, 'later'))), 1, run.stderr);
  assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
});
