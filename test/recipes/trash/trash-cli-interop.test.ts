/** Interoperability with Debian's trash-cli, both ways, on the home trash; and concurrent puts. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { rawName, runRaw, tswatchRaw } from '../../helpers/run-raw.js';
import { spawnCommand, TSWATCH_BIN } from '../../helpers/spawn-cli.js';
import { runSync, trashEnv } from '../../helpers/trash-env.js';
import { parseTrashInfo } from '../../../recipes/trash/index.js';

// trash-list prints one line per item and cannot show a newline in a name: those are checked by restore.
const LISTABLE = ['a b', '100%', '$(touch pwned)', 'é—日本', "it's;`x`", '-dash'];
const HOSTILE = [...LISTABLE, 'nl\nx'];

/** `trash-restore PATH`, answering with the index trash-restore shows for exactly PATH. */
function trashCliRestore(env: NodeJS.ProcessEnv, path: string): void {
  const menu = runSync('trash-restore', [path], { env, input: '\n' });
  const line = menu.stdout.split('\n').find((l) => / \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} /.test(l) && l.slice(25) === path);
  assert.ok(line, `trash-restore does not offer ${JSON.stringify(path)}:\n${menu.stdout}`);
  const restore = runSync('trash-restore', [path], { env, input: `${line.trim().split(' ')[0]}\n` });
  assert.equal(restore.status, 0, restore.stderr);
  assert.doesNotMatch(restore.stderr, /Invalid|Refusing/);
}

test('what tswatch trashes, trash-list lists and trash-restore restores (hostile names, a directory)', () => {
  const { work, env, trash } = trashEnv();
  for (const name of HOSTILE) writeFileSync(join(work, name), `content of ${name}`);
  mkdirSync(join(work, 'dir with space'));
  writeFileSync(join(work, 'dir with space', 'inner'), 'inner');
  const put = runSync(process.execPath, [TSWATCH_BIN, 'trash', 'put', ...HOSTILE.map((n) => join(work, n)), join(work, 'dir with space')], {
    env,
  });
  assert.equal(put.status, 0, put.stderr);
  assert.deepEqual(readdirSync(work), []);

  const list = runSync('trash-list', [], { env });
  assert.equal(list.status, 0, list.stderr);
  const listed = list.stdout
    .split('\n')
    .filter((l) => l.slice(20).startsWith(work))
    .map((l) => l.slice(20))
    .sort();
  const expected = [...LISTABLE, 'dir with space'].map((n) => join(work, n)).sort();
  assert.deepEqual(
    listed.filter((p) => !p.startsWith(join(work, 'nl'))),
    expected,
  );
  assert.match(list.stdout, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} /m);

  for (const name of [...LISTABLE, 'dir with space']) trashCliRestore(env, join(work, name));
  for (const name of LISTABLE) assert.equal(readFileSync(join(work, name), 'utf8'), `content of ${name}`);
  assert.equal(readFileSync(join(work, 'dir with space', 'inner'), 'utf8'), 'inner');
  assert.deepEqual(
    trash.list().map((i) => i.path),
    [join(work, 'nl\nx')],
  );
  assert.equal(existsSync(join(work, 'pwned')), false);
});

test('what trash-put trashed, tswatch lists (same dates) and restores', () => {
  const { work, env, trash, homeTrash } = trashEnv();
  for (const name of HOSTILE) writeFileSync(join(work, name), `content of ${name}`);
  mkdirSync(join(work, 'd'));
  writeFileSync(join(work, 'd', 'f'), 'f');
  const put = runSync('trash-put', ['--', ...HOSTILE.map((n) => join(work, n)), join(work, 'd')], { env });
  assert.equal(put.status, 0, put.stderr);
  const items = trash.list();
  assert.deepEqual(items.map((i) => i.path).sort(), [...HOSTILE, 'd'].map((n) => join(work, n)).sort());
  for (const item of items) {
    const info = parseTrashInfo(readFileSync(join(homeTrash, 'info', `${item.name}.trashinfo`), 'utf8'))!;
    assert.equal(item.deletionDate?.getTime(), new Date(info.deletionDate!).getTime(), 'DeletionDate= is local time');
  }
  const cli = runSync(process.execPath, [TSWATCH_BIN, 'trash', 'list', '--json'], { env });
  assert.equal(cli.status, 0, cli.stderr);
  const json = JSON.parse(cli.stdout) as Array<{ path: string; size: number; isDirectory: boolean }>;
  assert.deepEqual(
    json.find((i) => i.path === join(work, 'a b')),
    { ...json.find((i) => i.path === join(work, 'a b')), size: 'content of a b'.length, isDirectory: false },
  );
  for (const name of [...HOSTILE, 'd']) {
    const run = runSync(process.execPath, [TSWATCH_BIN, 'trash', 'restore', '--', join(work, name)], { env });
    assert.equal(run.status, 0, run.stderr);
  }
  for (const name of HOSTILE) assert.equal(readFileSync(join(work, name), 'utf8'), `content of ${name}`);
  assert.equal(readFileSync(join(work, 'd', 'f'), 'utf8'), 'f');
  assert.deepEqual(trash.list(), []);
});

// trash-empty (0.17) empties every volume trash of the machine too: trash-rm PATH touches only ours.
test('trash-rm deletes what tswatch trashed; tswatch empty empties what trash-put trashed', () => {
  const { work, env, trash, homeTrash } = trashEnv();
  writeFileSync(join(work, 'a'), 'a');
  trash.put(join(work, 'a'));
  assert.equal(runSync('trash-rm', [join(work, 'a')], { env }).status, 0);
  assert.deepEqual(trash.list(), []);
  writeFileSync(join(work, 'b'), 'b');
  assert.equal(runSync('trash-put', [join(work, 'b')], { env }).status, 0);
  const run = runSync(process.execPath, [TSWATCH_BIN, 'trash', 'empty', '--trash-dir', homeTrash], { env });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^removed 1 item/);
  assert.equal(runSync('trash-list', [], { env }).stdout.includes(work), false);
});

test('20 tswatch and 10 trash-put processes trashing the same name at once: no collision, nothing lost', async () => {
  const { work, env, trash, homeTrash } = trashEnv();
  // trash-cli 0.17 races itself creating info/ (makedirs after isdir) and then falls back to /.Trash-0.
  for (const sub of ['info', 'files']) mkdirSync(join(homeTrash, sub), { recursive: true });
  const runs = [];
  for (let i = 0; i < 30; i++) {
    mkdirSync(join(work, `d${i}`));
    writeFileSync(join(work, `d${i}`, 'same'), `file ${i}`);
  }
  for (let i = 0; i < 30; i++) {
    const path = join(work, `d${i}`, 'same');
    runs.push(i < 20 ? spawnCommand(process.execPath, [TSWATCH_BIN, 'trash', 'put', path], env) : spawnCommand('trash-put', [path], env));
  }
  const codes = await Promise.all(runs.map((r) => r.exited));
  assert.deepEqual(codes, new Array(30).fill(0), runs.map((r) => r.stderr).join(''));
  const items = trash.list();
  assert.equal(items.length, 30);
  assert.equal(new Set(items.map((i) => i.name)).size, 30);
  assert.equal(readdirSync(join(homeTrash, 'files')).length, 30);
  for (const item of items) {
    const i = /\/d(\d+)\/same$/.exec(item.path)![1];
    assert.equal(readFileSync(join(homeTrash, 'files', item.name), 'utf8'), `file ${i}`, `${item.name} holds what was at ${item.path}`);
  }
});

// trash-put 0.17 cannot trash a name that is not UTF-8 (it dies encoding Path=), so GLib's gio is the
// other writer here; trash-list reads such items and shows the byte as U+FFFD.
const hasGio = spawnSync('gio', ['version']).status === 0;

test('names that are not UTF-8: gio trash -> tswatch lists, restores, empties; tswatch put -> the same Path= as gio, listed by trash-list', {
  skip: hasGio ? false : 'gio (libglib2.0-bin) is not installed',
}, () => {
  const { work, env, homeTrash } = trashEnv();
  writeFileSync(join(work, 'name\uFFFD'), 'decoy'); // what name\xff becomes in a UTF-8 argv
  const raw = rawName(work, 'name', 0xff);
  writeFileSync(raw, 'raw');
  const gio = runRaw('gio', ['trash', raw], { env });
  assert.equal(gio.status, 0, gio.stderr.toString());
  const infoFile = rawName(join(homeTrash, 'info'), 'name', 0xff, ...Buffer.from('.trashinfo'));
  const gioPath = readFileSync(infoFile, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Path='));
  assert.equal(gioPath, `Path=${work}/name%FF`);
  const gioListed = runSync('trash-list', [], { env }).stdout;
  assert.ok(gioListed.includes(`${work}/name\uFFFD\n`), gioListed);

  const json = JSON.parse(runSync(process.execPath, [TSWATCH_BIN, 'trash', 'list', '--json'], { env }).stdout) as Array<{
    path: string;
    size: number;
  }>;
  assert.deepEqual(
    json.map((i) => [i.path, i.size]),
    [[`${work}/name\udcff`, 3]],
  );
  const restore = tswatchRaw(['trash', 'restore', raw], { env });
  assert.equal(restore.status, 0, restore.stderr.toString());
  assert.equal(readFileSync(raw, 'utf8'), 'raw');
  assert.equal(readFileSync(join(work, 'name\uFFFD'), 'utf8'), 'decoy');

  const put = tswatchRaw(['trash', 'put', raw], { env });
  assert.equal(put.status, 0, put.stderr.toString());
  assert.equal(
    readFileSync(infoFile, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Path=')),
    gioPath,
    'Path= as gio writes it',
  );
  assert.equal(
    runSync('trash-list', [], { env })
      .stdout.split('\n')
      .filter((l) => l.includes(work))
      .map((l) => l.slice(20))
      .join('\n'),
    `${work}/name\uFFFD`,
    "trash-list lists it as it lists gio's",
  );

  const other = rawName(work, 'other', 0xfe);
  writeFileSync(other, 'o');
  assert.equal(runRaw('gio', ['trash', other], { env }).status, 0);
  const empty = tswatchRaw(['trash', 'empty', '--trash-dir', homeTrash], { env });
  assert.equal(empty.status, 0, empty.stderr.toString());
  assert.equal(empty.stdout.toString(), 'removed 2 item(s), 4 bytes\n');
  assert.deepEqual([readdirSync(join(homeTrash, 'files')), readdirSync(join(homeTrash, 'info'))], [[], []]);
});
