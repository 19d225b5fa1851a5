/**
 * Differential tests: tswatch and inotifywait 3.22 run side by side on the same operations; their
 * stdout must be the same bytes. Where tswatch is deliberately different, the test says why.
 */
import assert from 'node:assert/strict';
import { lutimesSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { END, sideBySide } from '../helpers/inotifywait-side-by-side.js';
import { spawnCommand, spawnTswatch } from '../helpers/spawn-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const hostile = (dir: string): void => {
  writeFileSync(join(dir, 'plain'), 'x');
  writeFileSync(join(dir, 'a b, "c"'), '');
  writeFileSync(join(dir, ' lead and trail '), '');
  writeFileSync(join(dir, 'new\nline'), '');
  writeFileSync(join(dir, "$(touch pwned);'q'"), '');
  writeFileSync(Buffer.from(`${dir}/bad-\xff\xfe-utf8`, 'latin1'), '');
  mkdirSync(join(dir, 'd,ir'));
  renameSync(join(dir, 'plain'), join(dir, 'moved'));
  rmSync(join(dir, 'moved'));
};

const EVENTS = ['-m', '-e', 'create,moved_from,moved_to,delete,close_write'];

for (const directive of ['%w', '%f', '%e', '%:e', '%_e', '%c', '%0', '%n', '%%', '%x', '100%', '[%w|%f|%e|%c]']) {
  test(`--format '${directive}' prints the same bytes as inotifywait`, async () => {
    const { ours, theirs } = await sideBySide([...EVENTS, '--format', `${directive}|%f`], hostile);
    assert.deepEqual(ours, theirs);
  });
}

test('--format with --no-newline, and %T with --timefmt (a day-level format: both run in the same day)', async () => {
  const { ours, theirs } = await sideBySide(
    [...EVENTS, '--no-newline', '--format', '%T %w%f%0', '--timefmt', '%a %b %e %j %Y %Z %z %%'],
    hostile,
  );
  assert.deepEqual(ours, theirs);
});

test('--csv quotes exactly as inotifywait', async () => {
  const { ours, theirs } = await sideBySide([...EVENTS, '--csv'], hostile, { paths: (dir) => [dir, mkdirp(join(dir, 'sub,"q"'))] });
  assert.deepEqual(ours, theirs);
});

function mkdirp(path: string): string {
  mkdirSync(path, { recursive: true });
  return path;
}

test('--exclude and --excludei: one pattern filters as inotifywait does (a regex on %w%f)', async () => {
  for (const args of [
    ['--exclude', '(\\.swp|~)$'],
    ['--excludei', 'TMP[[:digit:]]+'],
  ]) {
    const { ours, theirs } = await sideBySide([...EVENTS, ...args], (dir) => {
      for (const name of ['keep.txt', 'x.swp', 'y~', 'tmp42', 'TMP7x', 'tmpx']) writeFileSync(join(dir, name), '');
    });
    assert.deepEqual(ours, theirs, args.join(' '));
  }
});

test('--exclude given twice: tswatch applies both, inotifywait only the last (its documented bug)', async () => {
  const args = [...EVENTS, '--exclude', '\\.swp$', '--exclude', '\\.tmp$'];
  const { ours, theirs } = await sideBySide(args, (dir) => {
    for (const name of ['keep', 'a.swp', 'b.tmp']) writeFileSync(join(dir, name), '');
  });
  const lines = (buf: Buffer) =>
    buf
      .toString()
      .split('\n')
      .filter((l) => !l.includes(END) && l !== '');
  assert.ok(
    lines(theirs).some((l) => l.endsWith('a.swp')),
    'inotifywait lets the first pattern through',
  );
  assert.deepEqual(
    lines(ours),
    lines(theirs).filter((l) => !l.endsWith('a.swp')),
  );
});

test('--include and --includei keep only matching paths, as inotifywait', async () => {
  for (const flag of ['--include', '--includei']) {
    const { ours, theirs } = await sideBySide([...EVENTS, flag, `(\\.txt|${END})$`], (dir) => {
      for (const name of ['a.txt', 'b.TXT', 'c.md']) writeFileSync(join(dir, name), '');
    });
    assert.deepEqual(ours, theirs, flag);
  }
});

test('-r with @exclude and --fromfile (paths and @excludes, one per line)', async () => {
  const dir = tmpDir();
  for (const sub of ['a', 'skip', 'b/skip2']) mkdirSync(join(dir, sub), { recursive: true });
  const list = join(tmpDir(), 'list');
  writeFileSync(list, `${dir}\n@${dir}/skip\n@${dir}/b/skip2\n`);
  const args = ['-m', '-r', '-e', 'create', '--fromfile', list];
  const ours = spawnTswatch(args);
  const theirs = spawnCommand('inotifywait', args);
  await ours.waitStderr('Watches established.');
  await theirs.waitStderr('Watches established.');
  for (const sub of ['a', 'skip', 'b/skip2', 'b']) writeFileSync(join(dir, sub, 'f'), '');
  writeFileSync(join(dir, END), '');
  for (const run of [ours, theirs]) await run.waitStdout(END);
  // The marker makes several events (CREATE, CLOSE_WRITE): wait until both have printed as many.
  const ends = (run: typeof ours): number => run.stdoutBytes().toString('latin1').split(END).length;
  await waitFor(() => ends(ours) === ends(theirs), `as many ${END} events from both`);
  assert.deepEqual(ours.stdoutBytes(), theirs.stdoutBytes());
  assert.equal(ours.lines().length, 3); // a/f, b/f and the end marker: nothing from the excluded trees
});

test('-o appends events to the file; messages stay on stderr', async () => {
  const out = { ours: join(tmpDir(), 'ours'), theirs: join(tmpDir(), 'theirs') };
  writeFileSync(out.ours, 'before\n');
  writeFileSync(out.theirs, 'before\n');
  const dir = tmpDir();
  const ours = spawnTswatch(['-e', 'create', '-o', out.ours, dir]);
  const theirs = spawnCommand('inotifywait', ['-e', 'create', '-o', out.theirs, dir]);
  await ours.waitStderr('Watches established.');
  await theirs.waitStderr('Watches established.');
  writeFileSync(join(dir, 'f'), '');
  assert.equal(await ours.exited, 0);
  assert.equal(await theirs.exited, 0);
  assert.equal(readFileSync(out.ours, 'utf8'), readFileSync(out.theirs, 'utf8'));
  assert.equal(readFileSync(out.ours, 'utf8'), `before\n${dir}/ CREATE f\n`);
  assert.equal(ours.stdout + theirs.stdout, '');
  assert.equal(ours.stderr, theirs.stderr);
});

test('exit codes: 0 on an event, 2 on -t timeout, 1 on a missing path, 1 when the watched path is deleted', async () => {
  const cases: Array<[string, (dir: string) => string[], (dir: string) => void, number]> = [
    ['event', (dir) => ['-e', 'create', dir], (dir) => writeFileSync(join(dir, 'f'), ''), 0],
    ['timeout', (dir) => ['-t', '1', '-e', 'create', dir], () => {}, 2],
    ['missing path', (dir) => [join(dir, 'nope')], () => {}, 1],
    ['deleted', (dir) => ['-e', 'create', join(dir, 'gone')], (dir) => rmSync(join(dir, 'gone'), { recursive: true }), 1],
  ];
  for (const [what, args, op, status] of cases) {
    const dir = tmpDir();
    mkdirSync(join(dir, 'gone'));
    const ours = spawnTswatch(args(dir));
    const theirs = spawnCommand('inotifywait', args(dir));
    if (status !== 1 || what === 'deleted') {
      await ours.waitStderr('Watches established.');
      await theirs.waitStderr('Watches established.');
    }
    op(dir);
    assert.equal(await theirs.exited, status, `inotifywait, ${what}`);
    assert.equal(await ours.exited, status, `tswatch, ${what}`);
    assert.equal(ours.stdout, theirs.stdout, what);
  }
});

test('-t with -m: both exit 2 after a quiet interval, even when events came before', async () => {
  const ours = spawnTswatch(['-m', '-t', '1', tmpDir()]);
  const theirs = spawnCommand('inotifywait', ['-m', '-t', '1', tmpDir()]);
  assert.equal(await theirs.exited, 2);
  assert.equal(await ours.exited, 2);
  const dir = tmpDir();
  const args = ['-m', '-t', '3', '-e', 'create', dir]; // long enough for both to be set up on a busy machine
  const busyOurs = spawnTswatch(args);
  const busyTheirs = spawnCommand('inotifywait', args);
  await busyOurs.waitStderr('Watches established.');
  await busyTheirs.waitStderr('Watches established.');
  writeFileSync(join(dir, 'f'), '');
  assert.equal(await busyTheirs.exited, 2);
  assert.equal(await busyOurs.exited, 2);
  assert.equal(busyOurs.stdout, busyTheirs.stdout);
  assert.equal(busyOurs.stdout, `${dir}/ CREATE f\n`);
});

test('-qq prints nothing, -q only events, as inotifywait', async () => {
  for (const quiet of ['-q', '-qq']) {
    // Separate directories: tswatch reads the directory it watches, and inotifywait would see that.
    const ours = spawnTswatch([quiet, '-t', '1', tmpDir()]);
    const theirs = spawnCommand('inotifywait', [quiet, '-t', '1', tmpDir()]);
    assert.equal(await theirs.exited, 2);
    assert.equal(await ours.exited, 2);
    assert.equal(ours.stdout + ours.stderr, theirs.stdout + theirs.stderr);
  }
});

test('-P watches a symlink itself, not its target, as inotifywait', async () => {
  const dir = tmpDir();
  mkdirSync(join(dir, 'real'));
  symlinkSync('real', join(dir, 'link'));
  const args = ['-P', '-e', 'attrib', join(dir, 'link')];
  const ours = spawnTswatch(args);
  const theirs = spawnCommand('inotifywait', args);
  await ours.waitStderr('Watches established.');
  await theirs.waitStderr('Watches established.');
  writeFileSync(join(dir, 'real', 'inside'), ''); // through the link: not the link's own event
  lutimesSync(join(dir, 'link'), new Date(), new Date());
  assert.equal(await theirs.exited, 0);
  assert.equal(await ours.exited, 0);
  assert.equal(ours.stdout, theirs.stdout);
  assert.equal(ours.stdout, `${dir}/link ATTRIB \n`);
});

test('-r: a tree made in a burst is reported whole by tswatch (inotifywait misses what lands before its watch)', async () => {
  const dir = tmpDir();
  const args = ['-m', '-r', '-e', 'create', '--format', '%w%f', dir];
  const ours = spawnTswatch(args);
  await ours.waitStderr('Watches established.');
  mkdirSync(join(dir, 'a/b/c/d'), { recursive: true });
  for (const sub of ['a', 'a/b', 'a/b/c', 'a/b/c/d']) writeFileSync(join(dir, sub, 'f'), '');
  writeFileSync(join(dir, END), '');
  await ours.waitStdout(END);
  const expected = ['a', 'a/f', 'a/b', 'a/b/f', 'a/b/c', 'a/b/c/f', 'a/b/c/d', 'a/b/c/d/f', END].map((p) => join(dir, p));
  // Exactly once each; the order between a directory's scan and its own late events may vary.
  assert.deepEqual(ours.lines().sort(), expected.sort());
});
