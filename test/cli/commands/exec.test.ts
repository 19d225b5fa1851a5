/** `tswatch exec` end to end: real inotify, real commands. */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnTswatch } from '../../helpers/spawn-cli.js';
import { tmpDir } from '../../helpers/tmp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';

const HOSTILE = ['$(touch pwned)', '`touch pwned`', 'a;b', "it's", 'new\nline', '-rf', '--help', '$HOME', '*', 'a b  c', '\\x'];

/** NUL-terminated records a command appended to `file`. */
function records(file: string): string[] {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  return text === '' ? [] : text.slice(0, -1).split('\0');
}

/** `sh -c SCRIPT sh ARGS…`: the script appends each of its arguments as a NUL-terminated record. */
const appendArgs = (out: string): string[] => ['sh', '-c', 'printf "%s\\0" "$@" >> "$0"', out];

async function started(run: ReturnType<typeof spawnTswatch>): Promise<void> {
  await run.waitStderr('Watches established.');
}

/** Stop gracefully before the temp dirs go (their deletion would be events that run the command). */
async function stop(run: ReturnType<typeof spawnTswatch>): Promise<number | null> {
  run.child.kill('SIGTERM');
  return run.exited;
}

test('hostile file names reach the command byte-exact as single arguments and never run anything', async () => {
  const top = tmpDir();
  const dir = join(top, 'w');
  const out = join(top, 'out');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(dir);
  const run = spawnTswatch(['exec', dir, '--', ...appendArgs(out), '{name}', '{path}', '{event}', '{dir}', '{isdir}']);
  await started(run);
  for (const name of HOSTILE) writeFileSync(join(dir, name), 'x');
  await waitFor(() => records(out).length >= HOSTILE.length * 5, `${HOSTILE.length} runs: ${JSON.stringify(records(out))}`);
  const got = records(out);
  const runs = [];
  for (let i = 0; i < got.length; i += 5) runs.push(got.slice(i, i + 5));
  assert.deepEqual(
    runs,
    HOSTILE.map((name) => [name, join(dir, name), 'CLOSE_WRITE,CLOSE', dir, '0']),
  );
  assert.deepEqual(readdirSync(dir).sort(), [...HOSTILE].sort(), 'no file was created by a name being run');
  assert.ok(!existsSync(join(top, 'pwned')) && !existsSync('pwned'));
  assert.equal(await stop(run), 0);
});

test('--shell passes the path as "$1" and TSWATCH_* variables, never as script text', async () => {
  const dir = tmpDir();
  const out = join(tmpDir(), 'out');
  const run = spawnTswatch(['exec', '--shell', dir, '--', `printf '%s\\0' "$1" "$TSWATCH_NAME" "$TSWATCH_EVENT" >> '${out}'`]);
  await started(run);
  for (const name of HOSTILE) writeFileSync(join(dir, name), 'x');
  await waitFor(() => records(out).length >= HOSTILE.length * 3, `${HOSTILE.length} runs`);
  const got = records(out);
  assert.deepEqual(
    got,
    HOSTILE.flatMap((name) => [join(dir, name), name, 'CLOSE_WRITE,CLOSE']),
  );
  assert.deepEqual(readdirSync(dir).sort(), [...HOSTILE].sort());
  assert.equal(await stop(run), 0);
});

test('--shell refuses placeholders in the script, naming the safe alternative', async () => {
  const run = spawnTswatch(['exec', '--shell', tmpDir(), '--', 'cat {path}']);
  assert.equal(await run.exited, 1);
  assert.match(run.stderr, /placeholders are not substituted into --shell scripts/);
  assert.match(run.stderr, /"\$1" or "\$TSWATCH_PATH"/);
});

test('--batch: a 5,000-file burst reaches the command with every path, in few runs (stdin and {paths})', async () => {
  const dir = tmpDir();
  const outs = tmpDir();
  const viaStdin = join(outs, 'stdin');
  const viaArgs = join(outs, 'args');
  const runs = join(outs, 'runs');
  const stdinRun = spawnTswatch([
    'exec',
    '--batch',
    '--debounce',
    '200',
    dir,
    '--',
    'sh',
    '-c',
    'cat >> "$0"; echo >> "$1"',
    viaStdin,
    runs,
  ]);
  const argsRun = spawnTswatch(['exec', '--batch', '--debounce', '200', dir, '--', ...appendArgs(viaArgs), '{paths}']);
  await started(stdinRun);
  await started(argsRun);
  const expected = new Set<string>();
  for (let i = 0; i < 5000; i++) {
    const path = join(dir, `f${i}${i % 7 === 0 ? ' with space' : ''}${i % 11 === 0 ? '\n' : ''}`);
    writeFileSync(path, '');
    expected.add(path);
  }
  for (const out of [viaStdin, viaArgs]) {
    await waitFor(() => records(out).length >= expected.size, `5000 paths in ${out}, have ${records(out).length}`, 60_000);
    const got = records(out);
    assert.equal(got.length, expected.size, 'each path exactly once');
    assert.deepEqual(new Set(got), expected);
  }
  const runCount = readFileSync(runs, 'utf8').length;
  assert.ok(runCount >= 1 && runCount < 100, `batched into few runs, got ${runCount}`);
  await stop(stdinRun);
  await stop(argsRun);
});

test('a failing command is reported with its exit status and watching goes on', async () => {
  const dir = tmpDir();
  const out = join(tmpDir(), 'out');
  const run = spawnTswatch(['exec', dir, '--', 'sh', '-c', 'printf "%s\\0" "$1" >> "$0"; exit 3', out, '{name}']);
  await started(run);
  writeFileSync(join(dir, 'one'), '');
  await run.waitStderr(`'sh' for ${join(dir, 'one')} failed: exit status 3`);
  writeFileSync(join(dir, 'two'), '');
  await waitFor(() => records(out).length === 2, 'the second run');
  assert.deepEqual(records(out), ['one', 'two']);
  assert.equal(await stop(run), 0);
});

test('a command that does not exist: a clear message per event, no crash', async () => {
  const dir = tmpDir();
  const run = spawnTswatch(['exec', dir, '--', 'no-such-command-tswatch', '{path}']);
  await started(run);
  writeFileSync(join(dir, 'a'), '');
  await run.waitStderr("cannot run 'no-such-command-tswatch': command not found");
  writeFileSync(join(dir, 'b'), '');
  await run.waitStderr(`(for ${join(dir, 'b')})`);
  assert.equal(await stop(run), 0);
});

test('--on-busy queue (default) runs every event in order, one at a time', async () => {
  const dir = tmpDir();
  const side = tmpDir();
  const log = join(side, 'log');
  const gate = join(side, 'gate');
  // Each run logs its file name and holds until the gate file exists: the test decides when runs end.
  const script =
    'printf "%s\\0" "start-$1" >> "$0"; while [ ! -e "$2" ] && [ -e "$0" ]; do sleep 0.01; done; printf "%s\\0" "end-$1" >> "$0"';
  const run = spawnTswatch(['exec', dir, '--', 'sh', '-c', script, log, '{name}', gate]);
  await started(run);
  writeFileSync(join(dir, 'first'), '');
  await waitFor(() => records(log).includes('start-first'), 'the first run to start');
  for (const name of ['second', 'third']) writeFileSync(join(dir, name), '');
  writeFileSync(gate, '');
  await waitFor(() => records(log).includes('end-third'), `the last run: ${records(log)}`);
  assert.deepEqual(records(log), ['start-first', 'end-first', 'start-second', 'end-second', 'start-third', 'end-third']);
  assert.equal(await stop(run), 0);
});

test('--ignore-own: files the command writes in the watched tree do not trigger it again', async () => {
  const dir = tmpDir();
  const out = join(tmpDir(), 'out');
  // For each file, write FILE.out next to it: without --ignore-own that would trigger forever.
  const run = spawnTswatch([
    'exec',
    '--ignore-own',
    dir,
    '--',
    'sh',
    '-c',
    'printf "%s\\0" "$1" >> "$0"; echo done > "$1.out"',
    out,
    '{path}',
  ]);
  await started(run);
  writeFileSync(join(dir, 'a.txt'), '');
  await waitFor(() => existsSync(join(dir, 'a.txt.out')), 'the output file');
  // Writes by others while the command runs are ignored too (the window cannot tell them apart), so
  // probe until one lands after the window has closed.
  for (let i = 0; records(out).length < 2; i++) {
    writeFileSync(join(dir, `probe${i}.txt`), '');
    await new Promise((resolve) => setTimeout(resolve, 20)); // a poll interval, not a wait for the result
    if (i > 500) assert.fail('no run after the first');
  }
  assert.equal(await stop(run), 0);
  const runs = records(out);
  assert.equal(runs[0], join(dir, 'a.txt'));
  assert.ok(
    runs.every((path) => path.endsWith('.txt')),
    `no run for an output file: ${runs.join(' ')}`,
  );
});

test('every watched path gone: said on stderr, exit 1 (nothing more can come)', async () => {
  const top = tmpDir();
  const dir = join(top, 'w');
  const { mkdirSync, rmSync } = await import('node:fs');
  mkdirSync(dir);
  const run = spawnTswatch(['exec', dir, '--', 'true']);
  await started(run);
  rmSync(dir, { recursive: true });
  assert.equal(await run.exited, 1);
  assert.match(run.stderr, /every watched path is gone \(deleted or unmounted\): nothing more to watch/);
});

test('-q: nothing on stderr but failures', async () => {
  const dir = tmpDir();
  const run = spawnTswatch(['exec', '-q', dir, '--', 'sh', '-c', 'exit 4']);
  // No "Watches established." to wait for: poke until the first failure is said.
  for (let i = 0; !run.stderr.includes('failed'); i++) {
    writeFileSync(join(dir, `probe${i}`), '');
    await new Promise((resolve) => setTimeout(resolve, 20)); // a poll interval, not a wait for the result
    if (i > 500) assert.fail('no failure reported');
  }
  assert.equal(await stop(run), 0);
  assert.match(run.stderr, /^(tswatch: 'sh' for \S+ failed: exit status 4\n)+$/);
});

test('watch options reach exec, not the root command: -r, -e, --exclude', async () => {
  const dir = tmpDir();
  const out = join(tmpDir(), 'out');
  const { mkdirSync } = await import('node:fs');
  for (const sub of ['sub', 'skip']) mkdirSync(join(dir, sub));
  const run = spawnTswatch(['exec', '-r', '-e', 'create', '--exclude', '/skip(/|$)', dir, '--', ...appendArgs(out), '{event}', '{path}']);
  await started(run);
  writeFileSync(join(dir, 'skip', 'g'), '');
  writeFileSync(join(dir, 'sub', 'f'), '');
  writeFileSync(join(dir, 'end'), '');
  await waitFor(() => records(out).includes(join(dir, 'end')), 'the last event');
  assert.deepEqual(records(out), ['CREATE', join(dir, 'sub', 'f'), 'CREATE', join(dir, 'end')]);
  assert.equal(await stop(run), 0);
});

test('the filters mean what the root command means: --exclude a POSIX ERE on %w%f, --glob/--ignore relative to the watched path', async () => {
  const top = tmpDir();
  const dir = join(top, 'w');
  const out = join(top, 'out');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(dir, 'sub', 'cache'), { recursive: true });
  const run = spawnTswatch([
    'exec',
    '-r',
    dir,
    '--exclude',
    '[[:digit:]]\\.md$',
    '--glob',
    '*.md',
    '--ignore',
    'cache',
    '--',
    ...appendArgs(out),
    '{path}',
  ]);
  await started(run);
  for (const name of ['v2.md', 'sub/cache/c.md', 'notes.txt', 'sub/last.md']) writeFileSync(join(dir, name), 'x');
  await waitFor(() => records(out).includes(join(dir, 'sub/last.md')), 'the last file');
  assert.deepEqual(records(out), [join(dir, 'sub/last.md')]);
  assert.equal(await stop(run), 0);
});

test('cp -r into the watched tree: files written and closed before their new directory was watched still run the command (default events)', async () => {
  const dir = tmpDir();
  const src = tmpDir();
  const { mkdirSync } = await import('node:fs');
  const files: string[] = [];
  for (let i = 0; i < 40; i++) {
    mkdirSync(join(src, `d${i}`, 'sub'), { recursive: true });
    for (const name of [`d${i}/top`, `d${i}/sub/deep`]) {
      writeFileSync(join(src, name), `${name}\n`);
      files.push(join(dir, 'copy', name));
    }
  }
  const out = join(tmpDir(), 'out');
  const run = spawnTswatch(['exec', '-r', dir, '--', ...appendArgs(out), '{event}', '{path}']);
  await started(run);
  const { execFileSync } = await import('node:child_process');
  execFileSync('cp', ['-r', src, join(dir, 'copy')]); // one process: most files are closed before tswatch sees their directory
  const paths = (): Set<string> => new Set(records(out).filter((_, i) => i % 2 === 1));
  await waitFor(
    () => files.every((f) => paths().has(f)),
    `every copied file ran the command: ${files.filter((f) => !paths().has(f)).length} missing`,
  );
  const events = records(out).filter((_, i) => i % 2 === 0);
  assert.ok(events.includes('CREATE'), 'some came from the scan (synthetic creates)'); // else the test proves nothing
  assert.ok(
    events.every((e) => e === 'CREATE' || e === 'CLOSE_WRITE,CLOSE'),
    events.join(' '),
  );
  assert.equal(await stop(run), 0);
});
