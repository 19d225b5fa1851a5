/** `tswatch backup` end to end: spawned as a user runs it, killed as a crash would. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnCommand, spawnTswatch, TSWATCH_BIN } from '../../helpers/spawn-cli.js';
import { waitFor } from '../../helpers/wait-for.js';
import { assertSameTree, backupDirs, tempFiles } from '../../recipes/backup/backup-fixture.js';

const MB = 1024 * 1024;

/** A copy under way: a temp file in DEST with data in it. */
const copying = (dest: string) => () =>
  existsSync(dest) && tempFiles(dest).some((p) => (statSync(join(dest, p), { throwIfNoEntry: false })?.size ?? 0) > 0);

function fill(src: string, files: number): void {
  mkdirSync(join(src, 'many'), { recursive: true });
  for (let i = 0; i < files; i++) writeFileSync(join(src, 'many', `file-${i}`), `content ${i}\n`.repeat(50));
}

async function resume(src: string, dest: string): Promise<string> {
  const again = spawnTswatch(['backup', '--once', src, dest]);
  assert.equal(await again.exited, 0, again.stderr);
  assertSameTree(src, dest);
  assert.deepEqual(tempFiles(dest), [], 'no temp file left behind');
  return again.stderr;
}

test('kill -9 in the middle of the initial copy of a 200 MB file, then a restart: DEST converges, no temp files', async () => {
  const { src, dest } = backupDirs();
  fill(src, 300);
  writeFileSync(join(src, 'big'), Buffer.alloc(200 * MB, 'tswatch '));
  const run = spawnTswatch(['backup', src, dest]);
  await waitFor(copying(dest), 'the big copy to start', 60_000);
  run.child.kill('SIGKILL');
  await run.exited;
  assert.equal(
    existsSync(join(dest, 'big')) && statSync(join(dest, 'big')).size !== 200 * MB,
    false,
    'never a partial file under the real name',
  );
  assert.ok(tempFiles(dest).length > 0, 'the killed copy left its temp file (the restart must clean it)');
  const stderr = await resume(src, dest);
  assert.match(stderr, /leftover temp files removed/);
});

test('kill -9 while live-copying a big new file, then a restart: DEST converges', async () => {
  const { src, dest } = backupDirs();
  const run = spawnTswatch(['backup', src, dest]);
  await run.waitStderr('watching');
  fill(src, 100);
  writeFileSync(join(src, 'big'), Buffer.alloc(120 * MB, 'live '));
  await waitFor(copying(dest), 'the live copy to start', 60_000);
  run.child.kill('SIGKILL');
  await run.exited;
  await resume(src, dest);
});

test('DEST-only files are kept by default; --delete prints the count first, then deletes', async () => {
  const { src, dest } = backupDirs();
  writeFileSync(join(src, 'a'), 'a');
  mkdirSync(join(dest, 'old/sub'), { recursive: true });
  writeFileSync(join(dest, 'old/sub/x'), 'x');
  writeFileSync(join(dest, 'stale'), 's');
  const keep = spawnTswatch(['backup', '--once', src, dest]);
  assert.equal(await keep.exited, 0);
  assert.match(keep.stderr, /initial sync: copied 1 \(1 B\), 0 unchanged, 4 only in DEST kept \(--delete removes them\), 0 errors/);
  assert.ok(existsSync(join(dest, 'stale')));

  const dry = spawnTswatch(['backup', '--once', '--delete', '--dry-run', src, dest]);
  assert.equal(await dry.exited, 0);
  assert.match(dry.stderr, /would delete 2 entries that exist only in DEST \(4 files and directories in all\)/);
  assert.match(dry.stdout, /^would delete old$/m);
  assert.ok(existsSync(join(dest, 'stale')), 'a dry run changes nothing');

  const del = spawnTswatch(['backup', '--once', '--delete', src, dest]);
  assert.equal(await del.exited, 0);
  assert.ok(del.stderr.indexOf('deleting 2 entries') < del.stderr.indexOf('initial sync:'), del.stderr);
  assert.equal(existsSync(join(dest, 'stale')), false);
  assert.equal(existsSync(join(dest, 'old')), false);
  assertSameTree(src, dest);
});

test('--json logs one JSON object per action and a summary', async () => {
  const { src, dest } = backupDirs();
  writeFileSync(join(src, 'new\nline'), 'x');
  mkdirSync(join(src, 'd'));
  const run = spawnTswatch(['backup', '--once', '--json', src, dest]);
  assert.equal(await run.exited, 0);
  const records = run.lines().map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.ok(records.every((r) => typeof r.time === 'string'));
  assert.deepEqual(records.map((r) => [r.action, r.path]).sort(), [
    ['copy', 'new\nline'],
    ['mkdir', 'd'],
    ['sync-done', ''],
  ]);
  assert.equal(records.find((r) => r.action === 'copy')!.bytes, 1);
});

test('live with --versions, then restore --list / --at / --to from the command line', async () => {
  const { src, dest } = backupDirs();
  writeFileSync(join(src, 'notes'), 'first');
  const run = spawnTswatch(['backup', '--versions', '5', src, dest]);
  await run.waitStderr('watching');
  writeFileSync(join(src, 'notes'), 'second');
  await waitFor(() => readFileSync(join(dest, 'notes'), 'utf8') === 'second', 'second copy');
  writeFileSync(join(src, 'notes'), 'third');
  await waitFor(() => readFileSync(join(dest, 'notes'), 'utf8') === 'third', 'third copy');
  run.child.kill('SIGTERM');
  assert.equal(await run.exited, 0, 'SIGTERM is a clean stop');

  const list = spawnTswatch(['backup', 'restore', join(dest, 'notes'), '--list', '--json']);
  assert.equal(await list.exited, 0, list.stderr);
  const versions = list.lines().map((l) => JSON.parse(l) as { name: string; path: string });
  assert.deepEqual(
    versions.map((v) => readFileSync(v.path, 'utf8')),
    ['first', 'second'],
  );
  const out = join(src, '..', 'out');
  const restore = spawnTswatch(['backup', 'restore', join(dest, 'notes'), '--at', versions[0]!.name, '--to', out]);
  assert.equal(await restore.exited, 0, restore.stderr);
  assert.equal(readFileSync(out, 'utf8'), 'first');
  assert.match(restore.stderr, /restored .*out from version/);
});

test('restore --at TIME gives what the file held at TIME; --list with no versions says so, exit 1', { timeout: 60_000 }, async () => {
  const { src, dest } = backupDirs();
  writeFileSync(join(src, 'notes'), 'first');
  writeFileSync(join(src, 'other'), 'never changed');
  const run = spawnTswatch(['backup', '--versions', '5', src, dest]);
  await run.waitStderr('watching');
  // Each moment is taken while DEST holds one content; the version of it is named later, when replaced.
  const held: Array<[string, Date]> = [['first', new Date()]];
  for (const content of ['second', 'third']) {
    writeFileSync(join(src, 'notes'), content);
    await waitFor(() => readFileSync(join(dest, 'notes'), 'utf8') === content, `${content} copy`);
    held.push([content, new Date()]);
  }
  const restore = async (at: Date | string, ...more: string[]) => {
    const r = spawnTswatch(['backup', 'restore', join(dest, 'notes'), '--at', typeof at === 'string' ? at : at.toISOString(), ...more]);
    return { code: await r.exited, stderr: r.stderr };
  };
  for (const [i, [content, at]] of held.entries()) {
    const out = join(src, '..', `out-${i}`);
    const r = await restore(at, '--to', out);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(out, 'utf8'), content, `--at ${at.toISOString()} (while DEST held '${content}')`);
  }
  const inPlace = await restore(held[2]![1]);
  assert.equal(inPlace.code, 0, inPlace.stderr);
  assert.match(inPlace.stderr, /already holds what it held at .*: nothing to restore/);
  assert.equal(readFileSync(join(dest, 'notes'), 'utf8'), 'third');
  assert.equal((await listed(dest, 'notes')).length, 2, 'a no-op restore keeps no extra version');

  const early = await restore('2000-01-01');
  assert.equal(early.code, 1);
  assert.match(early.stderr, /no kept copy of '.*notes' holds what it held at 2000-01-01T00:00:00.000Z/);

  rmSync(join(src, 'notes'));
  await waitFor(() => !existsSync(join(dest, 'notes')), 'DEST/notes deleted');
  const gone = await restore(new Date());
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /'.*notes' was not in the backup at .*: it was deleted at /);
  run.child.kill('SIGTERM');
  assert.equal(await run.exited, 0);

  for (const json of [[], ['--json']]) {
    const none = spawnTswatch(['backup', 'restore', join(dest, 'other'), '--list', ...json]);
    assert.equal(await none.exited, 1, 'an empty list is an error, as grep finding nothing is');
    assert.equal(none.stdout, '');
    assert.match(none.stderr, /no versions of '.*other' are kept\n {2}.*--versions N/);
  }
});

async function listed(dest: string, rel: string): Promise<string[]> {
  const list = spawnTswatch(['backup', 'restore', join(dest, rel), '--list']);
  assert.equal(await list.exited, 0, list.stderr);
  return list.lines();
}

test('bad input: a clear error naming the flag or path, exit 1', async () => {
  const { src, dest } = backupDirs();
  const cases: Array<[string[], RegExp]> = [
    [['backup', '--versions', 'many', src, dest], /--versions 'many' is not a whole number from 1 to 100000/],
    [['backup', '--concurrency', '0', src, dest], /--concurrency '0'/],
    [['backup', join(src, 'nope'), dest], /backup source '.*nope': no such directory\n {2}SRC must be an existing directory/],
    [['backup', src, join(src, 'in')], /overlap/],
    [['backup', 'restore', join(dest, 'x'), '--at', 'yesterday-ish'], /--at 'yesterday-ish' is not a time/],
    [['backup', 'restore', join(src, 'x')], /is not inside a backup with versions/],
  ];
  for (const [args, message] of cases) {
    const run = spawnTswatch(args);
    assert.equal(await run.exited, 1, args.join(' '));
    assert.match(run.stderr, message);
  }
});

test('SRC itself deleted: a clear message and exit 1 (no hanging on a dead watch)', async () => {
  const { src, dest } = backupDirs();
  writeFileSync(join(src, 'f'), 'f');
  const run = spawnTswatch(['backup', '--json', src, dest]);
  await run.waitStderr('watching');
  rmSync(src, { recursive: true });
  assert.equal(await run.exited, 1);
  assert.match(run.stderr, /backup source '.*' was deleted or moved away/);
  assert.ok(run.lines().some((l) => (JSON.parse(l) as { action: string }).action === 'error'));
});

test('on a terminal the initial sync draws a progress bar in place, then the summary', async () => {
  const { src, dest } = backupDirs();
  fill(src, 20);
  // script(1) gives tswatch a pseudo-terminal, as a user's shell would.
  const command = [process.execPath, TSWATCH_BIN, 'backup', '--once', src, dest].map((a) => `'${a}'`).join(' ');
  const run = spawnCommand('script', ['-qec', command, '/dev/null']);
  assert.equal(await run.exited, 0, run.stderr);
  assert.match(run.stdout, /\rinitial sync \[[#-]{24}\] +\d+% \d+\/21 files/);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the progress line's terminal codes are what is checked
  assert.match(run.stdout, /\r\x1b\[Ktswatch backup: initial sync: copied 20/);
  assertSameTree(src, dest);
});

test('kill -9 at several moments of a sync (after 1, 100 and 250 actions), each restart converges', async () => {
  const { src, dest } = backupDirs();
  fill(src, 400);
  mkdirSync(join(dest, 'many'), { recursive: true });
  for (let i = 0; i < 100; i++) writeFileSync(join(dest, 'many', `file-${i}`), 'stale, to be replaced');
  for (const after of [1, 100, 250]) {
    const run = spawnTswatch(['backup', '--json', '--versions', '2', src, dest]);
    await waitFor(() => run.lines().length >= after || run.stderr.includes('watching'), `${after} actions`, 60_000);
    run.child.kill('SIGKILL');
    await run.exited;
  }
  await resume(src, dest);
});

test("renames and deletes made while tswatch was not running reach DEST at the next start; the user's own DEST files stay", async () => {
  const { src, dest } = backupDirs();
  mkdirSync(join(src, 'docs/sub'), { recursive: true });
  writeFileSync(join(src, 'docs/a.txt'), 'a');
  writeFileSync(join(src, 'docs/sub/b.txt'), 'b');
  writeFileSync(join(src, 'top.txt'), 'top');
  writeFileSync(join(src, 'gone.txt'), 'gone');
  mkdirSync(dest);
  writeFileSync(join(dest, 'mine.txt'), 'the user put this here');
  const first = spawnTswatch(['backup', '--once', src, dest]);
  assert.equal(await first.exited, 0, first.stderr);
  writeFileSync(join(dest, 'docs/mine-too.txt'), 'and this, inside a mirrored directory');

  renameSync(join(src, 'docs'), join(src, 'documents'));
  renameSync(join(src, 'top.txt'), join(src, 'top2.txt'));
  rmSync(join(src, 'gone.txt'));
  const again = spawnTswatch(['backup', '--once', src, dest]);
  assert.equal(await again.exited, 0, again.stderr);
  assert.match(again.stderr, /removing 3 entries mirrored earlier whose SRC side went away/);
  assert.equal(readFileSync(join(dest, 'documents/sub/b.txt'), 'utf8'), 'b');
  assert.equal(existsSync(join(dest, 'top.txt')), false);
  assert.equal(existsSync(join(dest, 'gone.txt')), false);
  assert.equal(existsSync(join(dest, 'docs/a.txt')), false);
  assert.equal(existsSync(join(dest, 'docs/sub')), false);
  assert.equal(readFileSync(join(dest, 'docs/mine-too.txt'), 'utf8'), 'and this, inside a mirrored directory');
  assert.equal(readFileSync(join(dest, 'mine.txt'), 'utf8'), 'the user put this here');
  rmSync(join(dest, 'docs'), { recursive: true });
  rmSync(join(dest, 'mine.txt'));
  assertSameTree(src, dest);
});
