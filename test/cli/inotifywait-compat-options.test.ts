/**
 * Differential tests of options, exit statuses and %w: tswatch and inotifywait 3.22 run with the same
 * arguments, from the same working directory; exit statuses, stdout and (where said) stderr compared.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnCommand, TSWATCH_BIN } from '../helpers/spawn-cli.js';
import { noSmallFs, smallFs } from '../helpers/small-fs.js';
import { tmpDir } from '../helpers/tmp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

type Run = ReturnType<typeof spawnCommand>;

/** tswatch and inotifywait with the same arguments (each given its own watched path when `paths` differ). */
function both(args: (tool: 'ours' | 'theirs') => string[], cwd?: string): { ours: Run; theirs: Run } {
  return {
    ours: spawnCommand(process.execPath, [TSWATCH_BIN, ...args('ours')], {}, cwd),
    theirs: spawnCommand('inotifywait', args('theirs'), {}, cwd),
  };
}

async function established({ ours, theirs }: { ours: Run; theirs: Run }): Promise<void> {
  await ours.waitStderr('Watches established.');
  await theirs.waitStderr('Watches established.');
}

test('what inotifywait 3.22 refuses, tswatch refuses too: exit 1 before watching, one clear line', async () => {
  const dir = tmpDir();
  const list = join(dir, 'list');
  writeFileSync(list, `${dir}\n`);
  const cases = [
    ['-o', join(dir, 'a'), '-o', join(dir, 'b')],
    ['--fromfile', list, '--fromfile', list],
    ['--no-newline'],
    ['-t', '99999999999999999999'],
    ['-t', '-99999999999999999999'],
  ];
  for (const args of cases) {
    // -t 1 first: were the case accepted, both would end in a second with status 2.
    const { ours, theirs } = both(() => ['-t', '1', ...args, dir]);
    assert.equal(await theirs.exited, 1, `inotifywait ${args.join(' ')}`);
    assert.equal(await ours.exited, 1, `tswatch ${args.join(' ')}: ${ours.stderr}`);
    assert.equal(ours.stdout, '');
    assert.match(ours.stderr, /^tswatch: /, args.join(' '));
    assert.doesNotMatch(ours.stderr, /Setting up watches/);
  }
});

test('-t: negative means no timeout, and long ones wait (past the 24.8 days a Node timer holds)', async () => {
  for (const seconds of ['-1', '-5', '2147484', '9223372036854775807']) {
    const [mine, its] = [tmpDir(), tmpDir()];
    const run = both((tool) => ['-t', seconds, '-e', 'create', tool === 'ours' ? mine : its]);
    await established(run);
    writeFileSync(join(mine, 'f'), '');
    writeFileSync(join(its, 'f'), '');
    assert.equal(await run.theirs.exited, 0, `inotifywait -t ${seconds}`);
    assert.equal(await run.ours.exited, 0, `tswatch -t ${seconds}: ${run.ours.stderr}`);
    assert.equal(run.ours.stdout.replace(mine, its), run.theirs.stdout);
    assert.equal(run.ours.stderr, run.theirs.stderr, `-t ${seconds}: no warning`);
  }
});

test("-e '', -e ',' and -e all_events mean every event, as inotifywait", async () => {
  for (const events of ['', ',', 'all_events', 'create,,']) {
    // Separate directories: each tool could see the other open the one it watches.
    const [mine, its] = [tmpDir(), tmpDir()];
    const run = both((tool) => ['-t', '5', '-e', events, tool === 'ours' ? mine : its]);
    await established(run);
    writeFileSync(join(mine, 'f'), '');
    writeFileSync(join(its, 'f'), '');
    assert.equal(await run.theirs.exited, 0, `inotifywait -e '${events}'`);
    assert.equal(await run.ours.exited, 0, `tswatch -e '${events}'`);
    assert.equal(run.ours.stdout.replace(mine, its), run.theirs.stdout, `-e '${events}'`);
  }
});

test('--fromfile naming a missing file: a warning, and the other paths are watched', async () => {
  const dir = tmpDir();
  const missing = join(dir, 'no-such-list');
  const run = both(() => ['--fromfile', missing, '-e', 'create', dir]);
  await established(run);
  writeFileSync(join(dir, 'f'), '');
  assert.equal(await run.theirs.exited, 0);
  assert.equal(await run.ours.exited, 0);
  assert.equal(run.ours.stdout, run.theirs.stdout);
  assert.ok(run.ours.stderr.startsWith(`tswatch: --fromfile: cannot read '${missing}'`), run.ours.stderr);
  // Nothing else to watch: both say so and fail.
  const alone = both(() => ['--fromfile', missing]);
  assert.equal(await alone.theirs.exited, 1);
  assert.equal(await alone.ours.exited, 1);
});

test('without -e, an unmount is not reported (not in the default events) and ends a one-shot wait with 1', {
  skip: noSmallFs(),
}, async () => {
  for (const events of [[], ['-e', 'unmount']]) {
    const [mine, its] = [smallFs(1 << 20), smallFs(1 << 20)];
    const run = both((tool) => ['-t', '10', ...events, tool === 'ours' ? mine : its]);
    await established(run);
    for (const mount of [mine, its]) assert.equal(spawnSync('umount', [mount]).status, 0);
    const status = events.length === 0 ? 1 : 0;
    assert.equal(await run.theirs.exited, status, `inotifywait ${events.join(' ')}`);
    assert.equal(await run.ours.exited, status, `tswatch ${events.join(' ')}`);
    assert.equal(run.ours.stdout.replace(mine, its), run.theirs.stdout, events.join(' '));
    assert.equal(run.ours.stderr, run.theirs.stderr, events.join(' '));
  }
});

test('a one-shot wait whose watched path is deleted: status 1, and stderr as inotifywait', async () => {
  for (const kind of ['dir', 'file']) {
    const dir = tmpDir();
    const gone = join(dir, 'gone');
    if (kind === 'dir') mkdirSync(gone);
    else writeFileSync(gone, '');
    const run = both(() => ['-e', 'create', gone]);
    await established(run);
    rmSync(gone, { recursive: true });
    assert.equal(await run.theirs.exited, 1);
    assert.equal(await run.ours.exited, 1);
    assert.equal(run.ours.stdout + run.ours.stderr, run.theirs.stdout + run.theirs.stderr, kind);
  }
});

test('%w is the watched path as given: extra slashes, ./ and /. kept, a symlink named without a slash', async () => {
  const dir = tmpDir();
  mkdirSync(join(dir, 'c/sub'), { recursive: true });
  symlinkSync(join(dir, 'c'), join(dir, 'l'));
  const spellings = ['c//', './c', 'c/.', 'c', `${dir}//c`, join(dir, 'l'), `${join(dir, 'l')}/`, '.'];
  for (const recursive of [[], ['-r']]) {
    for (const path of spellings) {
      const run = both(() => ['-q', ...recursive, '-e', 'attrib', '--format', '[%w][%f]', path], dir);
      await waitFor(() => run.ours.stderr === '' && run.theirs.stderr === '', 'no errors');
      // -q: no "Watches established." to wait for; touch until both have reported.
      const target = recursive.length > 0 && path !== '.' ? join(dir, 'c/sub') : path === '.' ? join(dir, 'c') : join(dir, 'c/sub');
      await waitFor(() => {
        utimesSync(target, new Date(), new Date());
        return run.ours.stdout !== '' && run.theirs.stdout !== '';
      }, `both to report ${path}`);
      assert.equal(await run.theirs.exited, 0);
      assert.equal(await run.ours.exited, 0);
      assert.equal(run.ours.stdout, run.theirs.stdout, `${recursive.join('')} ${path}`);
    }
  }
});

test("-d prints nothing on the caller's stderr (its messages go to syslog), and returns watching", async () => {
  const dir = tmpDir();
  const [mine, its] = [join(dir, 'ours.log'), join(dir, 'theirs.log')];
  const [watchMine, watchIts] = [join(dir, 'a'), join(dir, 'b')];
  for (const path of [watchMine, watchIts]) mkdirSync(path);
  for (const log of [mine, its]) writeFileSync(log, ''); // inotifywait -d needs its outfile to exist
  const run = both((tool) => ['-d', '-t', '3', '-e', 'create', '-o', tool === 'ours' ? mine : its, tool === 'ours' ? watchMine : watchIts]);
  assert.equal(await run.theirs.exited, 0);
  assert.equal(await run.ours.exited, 0);
  assert.equal(run.ours.stdout + run.ours.stderr, run.theirs.stdout + run.theirs.stderr);
  // tswatch's daemon is watching once the command returns (inotifywait's may not be yet).
  writeFileSync(join(watchMine, 'f'), '');
  await waitFor(() => readFileSync(mine, 'utf8') === `${watchMine}/ CREATE f\n`, 'the daemon to log the create');
});

test('--include with --includei: inotifywait refuses, tswatch takes an event either one matches (README)', async () => {
  const dir = tmpDir();
  const args = ['-m', '-t', '1', '-e', 'create', '--format', '%f', '--include', 'a$', '--includei', 'B$', dir];
  const run = both(() => args);
  assert.equal(await run.theirs.exited, 1);
  await run.ours.waitStderr('Watches established.');
  for (const name of ['xa', 'xb', 'xc']) writeFileSync(join(dir, name), '');
  assert.equal(await run.ours.exited, 2);
  assert.deepEqual(run.ours.lines(), ['xa', 'xb']);
});
