/** What tswatch adds to inotifywait, end to end: --json, --repr, globs, dir filters, hostile names, --budget. */
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fsEncode } from '../../src/index.js';
import { spawnCommand, spawnTswatch, TSWATCH_BIN } from '../helpers/spawn-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';

const END = 'zz-end';

/**
 * tswatch -m ARGS DIR; `ops` run once it watches, then `end` makes the END marker; returns stdout bytes
 * once the marker is out.
 */
async function watch(args: string[], ops: (dir: string) => void, end = (dir: string) => writeFileSync(join(dir, END), '')) {
  const dir = tmpDir();
  const run = spawnTswatch(['-m', ...args, dir]);
  await run.waitStderr('Watches established.');
  ops(dir);
  end(dir);
  await run.waitStdout(END);
  return { bytes: run.stdoutBytes(), dir };
}

/** Names that break naive parsing: spaces, quotes, newlines, shell syntax, bytes that are not UTF-8. */
const HOSTILE: Buffer[] = ['with space', 'quo"te\'s', 'new\nline', '$(touch pwned)', '; rm -rf ~', 'tab\there'].map((s) => Buffer.from(s));
HOSTILE.push(Buffer.from([0x62, 0x61, 0x64, 0xff, 0xfe, 0x2d, 0xc3, 0xa9])); // "bad", two stray bytes, "-é"

const create = (dir: string): void => {
  for (const name of HOSTILE) writeFileSync(Buffer.concat([Buffer.from(`${dir}/`), name]), '');
};

test('--json: one object per line, hostile names round-trip to the same bytes', async () => {
  const { bytes, dir } = await watch(['-e', 'create', '--json'], create);
  const lines = bytes
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '');
  assert.equal(lines.length, HOSTILE.length + 1, 'one line per event: newlines in names are escaped');
  const events = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(
    events.slice(0, -1).map((e) => fsEncode(e.name as string)),
    HOSTILE,
  );
  const first = events[0]!;
  assert.equal(first.maskname, 'IN_CREATE');
  assert.equal(first.path, dir);
  assert.equal(first.pathname, `${dir}/with space`);
  assert.equal(typeof first.wd, 'number');
  assert.equal(first.cookie, 0);
  assert.equal(first.dir, false);
  assert.ok(!Number.isNaN(Date.parse(first.time as string)), 'time is an ISO date');
  assert.ok(!('synthetic' in first) && !('src' in first));
  assert.ok(!bytes.includes(0xff), 'JSON output is UTF-8: stray bytes are \\udcXX escapes');
});

test('%0 records: hostile names round-trip to the same bytes', async () => {
  const { bytes } = await watch(['-e', 'create', '--format', '%f%0', '--no-newline'], create);
  const records: Buffer[] = [];
  for (let start = 0, nul = bytes.indexOf(0); nul !== -1; start = nul + 1, nul = bytes.indexOf(0, start))
    records.push(bytes.subarray(start, nul));
  assert.deepEqual(records, [...HOSTILE, Buffer.from(END)]);
});

test('--json on a rename: the pair shares a cookie and the MOVED_TO has src', async () => {
  const { bytes, dir } = await watch(['-e', 'move,create', '--json'], (d) => {
    writeFileSync(join(d, 'a'), '');
    renameSync(join(d, 'a'), join(d, 'b'));
  });
  const [, from, to] = bytes
    .toString()
    .split('\n')
    .map((l) => (l ? (JSON.parse(l) as Record<string, unknown>) : {}));
  assert.equal(from!.maskname, 'IN_MOVED_FROM');
  assert.equal(to!.maskname, 'IN_MOVED_TO');
  assert.ok((from!.cookie as number) > 0);
  assert.equal(to!.cookie, from!.cookie);
  assert.equal(to!.src, `${dir}/a`);
  assert.equal(to!.src_pathname, `${dir}/a`);
  assert.ok(!('src' in from!));
});

test("--repr prints pyinotify's <Event …> form", async () => {
  const { bytes, dir } = await watch(['-e', 'create', '--repr'], (d) => writeFileSync(join(d, 'f'), ''));
  const first = bytes.toString().split('\n')[0];
  assert.match(first!, new RegExp(`^<Event dir=False mask=0x100 maskname=IN_CREATE name=f path=${dir} pathname=${dir}/f wd=\\d+ >$`));
});

test('--glob keeps matching paths, --ignore drops them and does not watch ignored directories', async () => {
  const { bytes } = await watch(
    ['-r', '-e', 'create', '--format', '%w%f', '--glob', '*.ts', '--glob', `${END}*`, '--ignore', 'node_modules'],
    (d) => {
      mkdirSync(join(d, 'node_modules'));
      mkdirSync(join(d, 'src'));
      writeFileSync(join(d, 'a.ts'), '');
      writeFileSync(join(d, 'b.js'), '');
    },
  );
  assert.deepEqual(
    bytes
      .toString()
      .split('\n')
      .filter(Boolean)
      .map((l) => l.replace(/.*\//, '')),
    ['a.ts', END],
  );
});

test('--no-dirs and --only-dirs', async () => {
  const ops = (d: string): void => {
    mkdirSync(join(d, 'sub'));
    writeFileSync(join(d, 'file'), '');
  };
  const names = (b: Buffer) =>
    b
      .toString()
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(' ').pop());
  assert.deepEqual(names((await watch(['-e', 'create', '--no-dirs'], ops)).bytes), ['file', END]);
  const onlyDirs = await watch(['-e', 'create', '--only-dirs'], ops, (d) => mkdirSync(join(d, END)));
  assert.deepEqual(names(onlyDirs.bytes), ['sub', END]);
});

test('--budget counts the watches -r needs (after excludes) and watches nothing', async () => {
  const dir = tmpDir();
  for (const sub of ['a/b/c', 'a/d', 'skip/x/y', '.git/objects']) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(join(dir, 'file'), '');
  const all = spawnTswatch(['-r', '--budget', dir]);
  assert.equal(await all.exited, 0);
  assert.match(all.stdout, /^10 watches needed; fs\.inotify\.max_user_watches = \d+, \d+ in use by this user, \d+ free\n$/);
  const fewer = spawnTswatch(['-r', '--budget', '--exclude', '/\\.git', '--ignore', 'skip', dir]);
  assert.equal(await fewer.exited, 0);
  assert.match(fewer.stdout, /^5 watches needed;/);
  const at = spawnTswatch(['-r', '--budget', `@${dir}/a`, dir]);
  await at.exited;
  assert.match(at.stdout, /^6 watches needed;/);
  assert.equal(all.stderr + fewer.stderr, '');
  // --fromfile - reads the list from stdin.
  const piped = spawnCommand('sh', [
    '-c',
    `printf '%s\\n@%s\\n' "$2" "$2/a" | "$0" "$1" -r --budget --fromfile -`,
    process.execPath,
    TSWATCH_BIN,
    dir,
  ]);
  assert.equal(await piped.exited, 0, piped.stderr);
  assert.match(piped.stdout, /^6 watches needed;/);
});

test('bad flag values name the flag, the value and what is valid', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['--exclude', '(?=x)'], /--exclude: '\(\?=x\)' is not a POSIX extended regular expression[\s\S]*POSIX ERE/],
    [['--include', '[[:nope:]]'], /unknown class \[:nope:\]; known: alpha/],
    [['--format', '%T'], /%T is in --format string, but --timefmt was not specified/],
    [['--csv', '--json'], /--csv and --json cannot be combined/],
    [['-d'], /-d\/--daemon needs -o\/--outfile/],
    [['--no-dirs', '--only-dirs'], /--no-dirs and --only-dirs cannot both be given/],
    [['-o', 'a', '-o', 'b'], /-o\/--outfile given twice \('a', then 'b'\)/],
    [['--no-newline'], /--no-newline cannot be specified without --format/],
    [['-t', '1e400'], /--timeout: '1e400': numerical result out of range/],
  ];
  for (const [args, message] of cases) {
    const run = spawnTswatch([...args, tmpDir()]);
    assert.equal(await run.exited, 1, args.join(' '));
    assert.match(run.stderr, message);
  }
  const none = spawnTswatch([]);
  assert.equal(await none.exited, 1);
  assert.match(none.stderr, /no files specified to watch/);
});

test('--json -r: a tree moved in is reported whole, its contents flagged synthetic (found by a scan)', async () => {
  const outside = tmpDir();
  mkdirSync(join(outside, 'tree/deep'), { recursive: true });
  writeFileSync(join(outside, 'tree/deep/file'), '');
  const { bytes, dir } = await watch(['-r', '-e', 'create,moved_to', '--json'], (d) => renameSync(join(outside, 'tree'), join(d, 'tree')));
  const events = bytes
    .toString()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const brief = events.map((e) => [e.maskname, e.pathname, e.synthetic ?? false]);
  assert.deepEqual(brief.slice(0, 3), [
    ['IN_MOVED_TO|IN_ISDIR', `${dir}/tree`, false],
    ['IN_CREATE|IN_ISDIR', `${dir}/tree/deep`, true],
    ['IN_CREATE', `${dir}/tree/deep/file`, true],
  ]);
  assert.ok(!('src' in events[0]!), 'moved in from outside the watch: no source');
});

test('--budget over the limit: the count on stdout, exit 1 with the sysctl that fits it', async () => {
  const dir = tmpDir();
  for (let i = 0; i < 5; i++) mkdirSync(join(dir, `d${i}`));
  // A user namespace has its own limit, so the test can lower it without touching the machine's.
  const script = 'echo 3 > /proc/sys/user/max_inotify_watches && exec "$0" "$@"';
  const run = spawnCommand('unshare', ['-Ur', 'sh', '-c', script, process.execPath, TSWATCH_BIN, '-r', '--budget', dir]);
  assert.equal(await run.exited, 1);
  // Root's other processes (other tests) may hold watches: the in-use count is whatever it is.
  assert.match(run.stdout, /^6 watches needed; fs\.inotify\.max_user_watches = 3, \d+ in use by this user, \d+ free\n$/);
  assert.match(run.stderr, /watching needs 6 watches, only \d of 3 are free[\s\S]*sudo sysctl fs\.inotify\.max_user_watches=524288/);
});

test("-r with every event on a tree of 4,000 directories: tswatch's own reads of them never reach the output, nor overflow the queue", async () => {
  const dir = tmpDir();
  for (let i = 0; i < 4000; i++) mkdirSync(join(dir, `g${i % 40}`, `d${i}`), { recursive: true });
  const run = spawnTswatch(['-m', '-r', dir], { TSWATCH_BACKEND: 'inotify' });
  await run.waitStderr('Watches established.');
  writeFileSync(join(dir, 'g7', 'd7', 'probe'), '');
  await run.waitStdout('CLOSE_WRITE,CLOSE probe');
  assert.doesNotMatch(run.stderr, /overflow/);
  const others = run.lines().filter((line) => !line.endsWith(' probe'));
  assert.deepEqual(others, []);
});
