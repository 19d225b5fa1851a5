/**
 * Issue 17.3: names that are not UTF-8. Node decodes argv as UTF-8, where `name\xff` becomes `name\uFFFD`
 * (bytes ef bf bd), another file: the decoy beside it must never be touched. put, rm, list, restore and
 * empty take the exact bytes, typed in a shell as $'name\xff'; messages quote them as GNU rm does.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { rawName, runRaw, tswatchRaw } from '../../helpers/run-raw.js';
import { TSWATCH_BIN } from '../../helpers/spawn-cli.js';
import { tmpDir } from '../../helpers/tmp-dir.js';
import { trashEnv } from '../../helpers/trash-env.js';

const DECOY = 'name\uFFFD';
const bytesIn = (dir: string): string[] =>
  readdirSync(dir, { encoding: 'buffer' })
    .map((n) => n.toString('hex'))
    .sort();
const hex = (name: Buffer | string): string => Buffer.from(name).toString('hex');

function withDecoy() {
  const t = trashEnv();
  writeFileSync(join(t.work, DECOY), 'decoy');
  return {
    ...t,
    decoyIntact: () => assert.equal(readFileSync(join(t.work, DECOY), 'utf8'), 'decoy', 'the decoy name\\uFFFD is untouched'),
  };
}

test('trash put, list, restore and empty take name\\xff byte for byte; the decoy name\\uFFFD beside it stays', () => {
  const { work, env, homeTrash, decoyIntact } = withDecoy();
  const raw = rawName(work, 'name', 0xff);
  writeFileSync(raw, 'raw');

  const put = tswatchRaw(['trash', 'put', raw], { env });
  assert.equal(put.stderr.toString(), '');
  assert.equal(put.status, 0);
  assert.equal(existsSync(raw), false, 'name\\xff is gone from its place');
  decoyIntact();
  assert.deepEqual(bytesIn(join(homeTrash, 'files')), [`${hex('name')}ff`]);
  assert.equal(
    readFileSync(rawName(join(homeTrash, 'info'), 'name', 0xff, ...Buffer.from('.trashinfo')), 'utf8').split('\n')[1],
    `Path=${work}/name%FF`,
  );

  const list = tswatchRaw(['trash', 'list'], { env });
  assert.equal(list.status, 0, list.stderr.toString());
  assert.match(list.stdout.toString(), new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d +3 '${work}/name'\\$'\\\\377'\\n$`));
  const json = tswatchRaw(['trash', 'list', '--json'], { env });
  assert.deepEqual(
    (JSON.parse(json.stdout.toString()) as Array<{ path: string }>).map((i) => i.path),
    [`${work}/name\udcff`],
    'JSON keeps the byte as \\udcff',
  );

  const restore = tswatchRaw(['trash', 'restore', raw], { env });
  assert.equal(restore.stderr.toString(), '');
  assert.equal(restore.status, 0);
  assert.equal(restore.stdout.toString(), `restored '${work}/name'$'\\377'\n`);
  assert.equal(readFileSync(raw, 'utf8'), 'raw');
  decoyIntact();

  assert.equal(tswatchRaw(['trash', 'put', raw], { env }).status, 0);
  const empty = tswatchRaw(['trash', 'empty', '--trash-dir', homeTrash], { env });
  assert.equal(empty.status, 0, empty.stderr.toString());
  assert.equal(empty.stdout.toString(), 'removed 1 item(s), 3 bytes\n');
  assert.deepEqual([bytesIn(join(homeTrash, 'files')), bytesIn(join(homeTrash, 'info'))], [[], []]);
  decoyIntact();
});

test('trash rm on names that are not UTF-8: removed to the trash (with -f too); a missing one as GNU rm says it', () => {
  const { work, env, homeTrash, decoyIntact } = withDecoy();
  const real = tmpDir('rm-real-');
  for (const dir of [work, real]) {
    writeFileSync(rawName(dir, 'v', 0xfc), 'v');
    writeFileSync(rawName(dir, 'f', 0xfd), 'f');
  }
  const locale = { LC_ALL: 'C.UTF-8' };

  // -v: the same "removed …" line as rm's, byte for byte.
  const rmV = runRaw('rm', ['-v', Buffer.from('v\xfc', 'latin1')], { cwd: real, env: locale });
  const ourV = tswatchRaw(['trash', 'rm', '-v', Buffer.from('v\xfc', 'latin1')], { cwd: work, env: { ...env, ...locale } });
  assert.equal(ourV.status, rmV.status, ourV.stderr.toString());
  assert.equal(ourV.stdout.toString('latin1'), rmV.stdout.toString('latin1'));
  assert.equal(existsSync(rawName(work, 'v', 0xfc)), false);

  // -f on an existing name removes it; on a missing one it says nothing and exits 0.
  const force = tswatchRaw(['trash', 'rm', '-f', rawName(work, 'f', 0xfd), rawName(work, 'missing', 0xfb)], { env });
  assert.deepEqual([force.status, force.stdout.toString(), force.stderr.toString()], [0, '', '']);
  assert.equal(existsSync(rawName(work, 'f', 0xfd)), false, 'rm -f removed f\\xfd');
  assert.deepEqual(bytesIn(join(homeTrash, 'files')), [`${hex('f')}fd`, `${hex('v')}fc`].sort());

  // Without -f, a missing name: rm's message, its bytes quoted as rm quotes them.
  const missing = rawName(work, 'missing', 0xfb);
  const rm = runRaw('rm', [missing], { env: locale });
  const ours = tswatchRaw(['trash', 'rm', missing], { env: { ...env, ...locale } });
  assert.equal(ours.status, 1);
  assert.equal(ours.stderr.toString('latin1'), rm.stderr.toString('latin1'));
  decoyIntact();
});

test('trash rm -ri descends into a directory whose entries are not UTF-8, asking as rm asks', () => {
  const { work, env, decoyIntact } = withDecoy();
  const real = tmpDir('rm-real-');
  for (const dir of [work, real]) {
    mkdirSync(rawName(dir, 'd', 0xfa));
    writeFileSync(Buffer.concat([rawName(dir, 'd', 0xfa), Buffer.from('/c\xfb', 'latin1')]), 'c');
  }
  const args = ['-ri', Buffer.from('d\xfa', 'latin1')];
  const locale = { LC_ALL: 'C.UTF-8' };
  const rm = runRaw('rm', args, { cwd: real, env: locale, input: 'y\ny\ny\n' });
  const ours = tswatchRaw(['trash', 'rm', ...args], { cwd: work, env: { ...env, ...locale }, input: 'y\ny\ny\n' });
  assert.equal(ours.stderr.toString('latin1'), rm.stderr.toString('latin1'));
  assert.equal(ours.status, rm.status);
  assert.equal(existsSync(rawName(work, 'd', 0xfa)), false);
  decoyIntact();
});

test("a working directory that is not UTF-8, and node's own options before the script: relative names still name the exact file", () => {
  const { work, env, decoyIntact } = withDecoy();
  const cwd = rawName(work, 'dir', 0xfe);
  mkdirSync(cwd);
  writeFileSync(Buffer.concat([cwd, Buffer.from('/file')]), 'f');
  mkdirSync(join(work, 'dir\uFFFD')); // the directory process.cwd() would name instead
  writeFileSync(join(work, 'dir\uFFFD', 'file'), 'decoy dir');
  const put = runRaw(
    'bash',
    ['-c', `cd "$1" && exec "$2" --no-warnings "$3" trash put -v file`, 'bash', cwd, process.execPath, TSWATCH_BIN],
    { env },
  );
  assert.equal(put.stderr.toString(), '');
  assert.equal(put.status, 0);
  assert.equal(existsSync(Buffer.concat([cwd, Buffer.from('/file')])), false);
  assert.equal(readFileSync(join(work, 'dir\uFFFD', 'file'), 'utf8'), 'decoy dir');
  const restore = runRaw(
    'bash',
    ['-c', `cd "$1" && exec "$2" --no-warnings "$3" trash restore file`, 'bash', cwd, process.execPath, TSWATCH_BIN],
    { env },
  );
  assert.equal(restore.stdout.toString(), `restored '${work}/dir'$'\\376''/file'\n`, restore.stderr.toString());
  assert.equal(readFileSync(Buffer.concat([cwd, Buffer.from('/file')]), 'utf8'), 'f');
  decoyIntact();
});

test("rm's quoting of names mixing quotes, control characters and bytes that are not UTF-8, byte for byte", () => {
  const { env } = trashEnv();
  const names = ["it's\xff", "a'b\n", "'\xff", "\xff'", "\xffa'b", "\xff'\xfe", 'x\x01y\xfez', '\xfe', "it's", 'a b'];
  const locale = { LC_ALL: 'C.UTF-8' };
  for (const name of names) {
    const missing = rawName(tmpDir('gone-'), '', ...Buffer.from(name, 'latin1'));
    const rm = runRaw('rm', [missing], { env: locale });
    const ours = tswatchRaw(['trash', 'rm', missing], { env: { ...env, ...locale } });
    assert.equal(ours.stderr.toString('latin1'), rm.stderr.toString('latin1'), JSON.stringify(name));
  }
});
