/** `tswatch trash` as a real non-root user, beside GNU rm run as the same user: permissions, a full disk. */
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { noSmallFs, smallFs } from '../../helpers/small-fs.js';
import { noTestUser, spawnAsTestUser, spawnTswatchAsTestUser, testUser, testUserDir } from '../../helpers/test-user.js';

const skip = noTestUser();

/** A private home trash for the test user. */
function userTrash() {
  const home = testUserDir('tswatch-trash-home-');
  const env = { HOME: home, XDG_DATA_HOME: join(home, '.local', 'share'), LC_ALL: 'C.UTF-8' };
  const trash = join(home, '.local', 'share', 'Trash');
  const entries = (sub: string): string[] => (existsSync(join(trash, sub)) ? readdirSync(join(trash, sub)) : []);
  return { env, trash, entries };
}

/** A root-owned directory of `mode` holding `file` (owned by `owner`, mode `fileMode`). */
function lockedDir(mode: number, owner: { uid: number; gid: number }, fileMode: number): string {
  const dir = testUserDir('tswatch-locked-');
  chownSync(dir, 0, 0);
  chmodSync(dir, mode);
  writeFileSync(join(dir, 'file'), 'keep me');
  chownSync(join(dir, 'file'), owner.uid, owner.gid);
  chmodSync(join(dir, 'file'), fileMode);
  return dir;
}

const CASES = [
  // The user's own file in a directory they cannot write: the hard link works, the unlink does not.
  { what: "the user's own file in a root-owned 755 directory", mode: 0o755, own: true, fileMode: 0o644 },
  // Someone else's world-writable file in a sticky directory, as in /tmp.
  { what: "someone else's file in a sticky 1777 directory", mode: 0o1777, own: false, fileMode: 0o666 },
];

for (const c of CASES) {
  test(`trash rm / put of ${c.what}: rm's message and status, the file stays, no trash entry`, { skip, timeout: 60_000 }, async () => {
    const user = testUser();
    const owner = c.own ? user : { uid: 0, gid: 0 };
    const forRm = lockedDir(c.mode, owner, c.fileMode);
    const forTrash = lockedDir(c.mode, owner, c.fileMode);
    const { env, entries } = userTrash();
    const rm = spawnAsTestUser('rm', [join(forRm, 'file')], env);
    const rmStatus = await rm.exited;
    assert.equal(rmStatus, 1);
    assert.ok(existsSync(join(forRm, 'file')));

    const ours = spawnTswatchAsTestUser(['trash', 'rm', join(forTrash, 'file')], env);
    assert.equal(await ours.exited, rmStatus, ours.stderr);
    assert.equal(ours.stderr, rm.stderr.replaceAll(forRm, forTrash));
    assert.equal(ours.stdout, '');

    const put = spawnTswatchAsTestUser(['trash', 'put', '-v', join(forTrash, 'file')], env);
    assert.equal(await put.exited, 1, put.stderr);
    assert.doesNotMatch(put.stdout, /trashed/);
    const reason = rm.stderr.split(': ').at(-1)!.trim();
    assert.match(put.stderr, new RegExp(`cannot trash '${forTrash}/file': ${reason}`));

    assert.ok(existsSync(join(forTrash, 'file')), 'the file is still in its place');
    assert.deepEqual(entries('files'), [], 'no hard link or copy left in the trash');
    assert.deepEqual(entries('info'), [], 'no .trashinfo left');
    const list = spawnTswatchAsTestUser(['trash', 'list'], env);
    assert.equal(await list.exited, 0);
    assert.equal(list.stdout, '');
  });
}

test('trash rm of a file the user may remove still works as that user', { skip, timeout: 60_000 }, async () => {
  const dir = testUserDir('tswatch-mine-');
  const { env, entries } = userTrash();
  mkdirSync(join(dir, 'd'));
  writeFileSync(join(dir, 'd', 'file'), 'x');
  chownSync(join(dir, 'd'), testUser().uid, testUser().gid);
  chownSync(join(dir, 'd', 'file'), testUser().uid, testUser().gid);
  const run = spawnTswatchAsTestUser(['trash', 'rm', join(dir, 'd', 'file')], env);
  assert.equal(await run.exited, 0, run.stderr);
  assert.equal(existsSync(join(dir, 'd', 'file')), false);
  assert.deepEqual(entries('files'), ['file']);
});

/** Every entry below `dir` as root sees it: directories end in '/'. */
function tree(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) =>
      e.isDirectory() ? [`${prefix}${e.name}/`, ...tree(join(dir, e.name), `${prefix}${e.name}/`)] : [`${prefix}${e.name}`],
    );
}

/** As the test user: t/a, t/locked/x/f with t/locked mode 000, and a later operand `after`. */
async function unreadableTree(): Promise<string> {
  const dir = testUserDir('tswatch-rm-tree-');
  const made = spawnAsTestUser(
    'sh',
    ['-c', 'mkdir -p t/locked/x t/b && touch t/a t/b/c t/locked/x/f after && chmod 000 t/locked'],
    {},
    dir,
  );
  assert.equal(await made.exited, 0, made.stderr);
  return dir;
}

for (const args of [
  ['-r', 't', 'after'],
  ['-rv', 't', 'after'],
  ['-r', 't/locked', 'after'],
  ['-rfv', 't/locked', 'after'],
]) {
  test(`trash rm ${args.join(' ')} on a tree with an unreadable directory: rm's message, the rest removed, exit 1`, {
    skip,
    timeout: 60_000,
  }, async () => {
    const real = await unreadableTree();
    const ours = await unreadableTree();
    const { env } = userTrash();
    const rm = spawnAsTestUser('rm', args, env, real);
    const rmStatus = await rm.exited;
    const trm = spawnTswatchAsTestUser(['trash', 'rm', ...args], env, ours);
    assert.equal(await trm.exited, rmStatus, trm.stderr);
    assert.equal(rmStatus, 1);
    assert.doesNotMatch(trm.stderr, /at |node:/, 'no stack trace');
    assert.equal(trm.stderr, rm.stderr);
    assert.equal(trm.stdout, rm.stdout);
    assert.deepEqual(tree(ours), tree(real));
    const list = spawnTswatchAsTestUser(['trash', 'list'], env);
    assert.equal(await list.exited, 0);
    // Whatever rm deleted is in the trash, the later operand included.
    assert.match(list.stdout, new RegExp(`${ours}/after\\n`));
    if (args.includes('t')) for (const kept of ['t/a', 't/b/']) assert.match(list.stdout, new RegExp(`${ours}/${kept}\\n`));
  });
}

test('trash rm on a full filesystem: says the trash needs space, names --permanent and command rm; --permanent deletes', {
  skip: skip ?? noSmallFs(),
  timeout: 60_000,
}, async () => {
  const user = testUser();
  const fs = smallFs(1 << 20, user);
  const { env } = userTrash();
  const fill = spawnAsTestUser('sh', ['-c', 'echo data > big.log; dd if=/dev/zero of=filler bs=4k 2>/dev/null; true'], {}, fs);
  assert.equal(await fill.exited, 0, fill.stderr);
  const rm = spawnTswatchAsTestUser(['trash', 'rm', 'big.log'], env, fs);
  assert.equal(await rm.exited, 1, rm.stderr);
  assert.match(rm.stderr, /^rm: cannot remove 'big.log': No space left on device\n/);
  assert.match(rm.stderr, /tswatch trash rm --permanent 'big.log'/);
  assert.match(rm.stderr, /command rm 'big.log'/);
  assert.ok(existsSync(join(fs, 'big.log')), 'left in place');
  const info = join(fs, `.Trash-${user.uid}`, 'info');
  assert.deepEqual(existsSync(info) ? readdirSync(info) : [], [], 'no empty trashinfo left');
  const permanent = spawnTswatchAsTestUser(['trash', 'rm', '--permanent', 'big.log'], env, fs);
  assert.equal(await permanent.exited, 0, permanent.stderr);
  assert.equal(existsSync(join(fs, 'big.log')), false);
});
