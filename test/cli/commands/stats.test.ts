/** `tswatch stats` against inotifywatch 3.22 on the same operations. */
import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, mkdirSync, renameSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnCommand, spawnTswatch, TSWATCH_BIN } from '../../helpers/spawn-cli.js';
import { tmpDir } from '../../helpers/tmp-dir.js';

// Reads are left out: each tool would count the other's directory reads.
const EVENTS = ['-e', 'create,delete,move,modify,attrib,close_write,move_self,delete_self'];

async function sideBySide(args: string[], ops: (dir: string) => void) {
  const dir = tmpDir();
  for (const sub of ['sub', 'empty', 'busy']) mkdirSync(join(dir, sub));
  const theirs = spawnCommand('inotifywatch', [...EVENTS, ...args, '-t', '3', dir]);
  const ours = spawnTswatch(['stats', ...EVENTS, ...args, '-t', '3', dir]);
  await theirs.waitStderr('now collecting statistics.');
  await ours.waitStderr('now collecting statistics.');
  ops(dir);
  assert.equal(await theirs.exited, 0);
  assert.equal(await ours.exited, 0);
  return { ours, theirs, dir };
}

const work = (dir: string): void => {
  writeFileSync(join(dir, 'a'), 'x');
  renameSync(join(dir, 'a'), join(dir, 'b'));
  chmodSync(join(dir, 'b'), 0o600);
  for (let i = 0; i < 3; i++) appendFileSync(join(dir, 'busy', 'log'), 'x');
  renameSync(join(dir, 'sub'), join(dir, 'sub2'));
};

test('the table matches inotifywatch: -r, default sort (total, descending), zero rows and columns left out', async () => {
  const { ours, theirs } = await sideBySide(['-r'], work);
  assert.equal(ours.stdout, theirs.stdout);
  assert.match(ours.stdout, /^total {2}modify/);
});

// Ties on the sort key (attrib, delete) come in inotifywatch's watch order: children first, as listed.
test('-z keeps zero rows and the listened columns; -a/-d sort by an event column', async () => {
  for (const args of [
    ['-r', '-z'],
    ['-r', '-a', 'modify'],
    ['-r', '-d', 'attrib'],
    ['-r', '-a', 'delete'],
  ]) {
    const { ours, theirs } = await sideBySide(args, work);
    assert.equal(ours.stdout, theirs.stdout, args.join(' '));
  }
});

test('nothing happened (tswatch\'s own directory reads are not counted): "No events occurred.", even with -z', async () => {
  for (const args of [['-r'], ['-r', '-z']]) {
    const dir = tmpDir();
    mkdirSync(join(dir, 'sub'));
    const ours = spawnTswatch(['stats', ...args, '-t', '0.5', dir]);
    assert.equal(await ours.exited, 0);
    assert.equal(ours.stdout, '');
    assert.match(ours.stderr, /No events occurred\.\n$/);
  }
});

test('a bad sort key names the flag, the value and the valid keys', async () => {
  const run = spawnTswatch(['stats', '-a', 'bogus', tmpDir()]);
  assert.equal(await run.exited, 1);
  assert.match(run.stderr, /--ascending: 'bogus' is not a valid key for sorting[\s\S]*valid keys: total, access/);
});

test('--live prints a table every second on a pipe (redraws in place on a TTY)', async () => {
  const dir = tmpDir();
  const run = spawnTswatch(['stats', '--live', '-e', 'create', dir]);
  await run.waitStderr('now collecting statistics.');
  writeFileSync(join(dir, 'f'), '');
  await run.waitStdout(`1      1       ${dir}/\n\ntotal`);
  run.child.kill('SIGINT');
  assert.equal(await run.exited, 0);
  assert.match(run.stdout, /\ntotal {2}create {2}filename\n1 {6}1 {7}\S+\/\n$/, 'the final table after Ctrl-C');
});

test('--live on a terminal redraws the table in place (run under script(1) for a pty)', async () => {
  const dir = tmpDir();
  const command = `"${process.execPath}" "${TSWATCH_BIN}" stats --live -t 2.5 -e create "${dir}"`;
  const run = spawnCommand('script', ['-qfec', command, '/dev/null']);
  await run.waitStdout('now collecting statistics.');
  writeFileSync(join(dir, 'f'), '');
  assert.equal(await run.exited, 0);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the screen's terminal codes are what is checked
  assert.match(run.stdout, /\x1b\[H\x1b\[2Jtotal {2}create {2}filename\r\n1 {6}1 {7}\S+\/\r\n/);
});

test('--fromfile and @exclusions, as inotifywatch', async () => {
  const { ours, theirs } = await sideBySideFromfile();
  assert.equal(ours.stdout, theirs.stdout);
  assert.doesNotMatch(ours.stdout, /skip/);
});

async function sideBySideFromfile() {
  const dir = tmpDir();
  for (const sub of ['a', 'skip']) mkdirSync(join(dir, sub));
  const list = join(tmpDir(), 'list');
  writeFileSync(list, `${dir}\n@${dir}/skip\n`);
  const args = [...EVENTS, '-r', '-t', '2', '--fromfile', list];
  const theirs = spawnCommand('inotifywatch', args);
  const ours = spawnTswatch(['stats', ...args]);
  await theirs.waitStderr('now collecting statistics.');
  await ours.waitStderr('now collecting statistics.');
  for (const sub of ['a', 'a', 'skip']) appendFileSync(join(dir, sub, 'f'), 'x');
  assert.equal(await theirs.exited, 0);
  assert.equal(await ours.exited, 0);
  return { ours, theirs };
}

test('stats --help lists its options and examples', async () => {
  const help = spawnTswatch(['stats', '--help']);
  assert.equal(await help.exited, 0);
  for (const word of ['--timeout', '--ascending', '--descending', '--zero', '--recursive', '--live', 'Sort keys: total', 'Examples']) {
    assert.ok(help.stdout.includes(word), `stats --help mentions ${word}`);
  }
});

test('-v says what is watched, as inotifywatch -v (the per-path lines only with -r)', async () => {
  for (const args of [['-v', '-r'], ['-v']]) {
    // Two alike directories: each tool would count the other's reads of a shared one.
    const [mine, its] = [tmpDir(), tmpDir()];
    for (const dir of [mine, its]) mkdirSync(join(dir, 'sub'));
    const theirs = spawnCommand('inotifywatch', [...args, '-t', '1', its]);
    const ours = spawnTswatch(['stats', ...args, '-t', '1', mine]);
    assert.equal(await theirs.exited, 0);
    assert.equal(await ours.exited, 0);
    assert.equal(ours.stderr.replaceAll(mine, its), theirs.stderr, args.join(' '));
    assert.match(ours.stderr, args.includes('-r') ? /Total of 2 watches\.\n/ : /Total of 1 watches\.\n/);
  }
});

test("a deleted directory's end of watch (IN_IGNORED) counts in its row's total, as inotifywatch", async () => {
  const { ours, theirs } = await sideBySide(['-r'], (dir) => {
    rmdirSync(join(dir, 'empty'));
    writeFileSync(join(dir, 'f'), '');
  });
  assert.equal(ours.stdout, theirs.stdout);
  assert.match(ours.stdout, /\n2 .*\/empty\/\n/); // delete_self and the end of the watch
});
