/** `tswatch trash put|list|restore|empty` end to end. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Trash } from '../../../recipes/trash/index.js';
import { trashEnv, tswatchSync } from '../../helpers/trash-env.js';

test('put -v, list (date, size, path; newline shown quoted), list --json', () => {
  const { work, env, homeTrash } = trashEnv();
  writeFileSync(join(work, 'a b'), 'hello');
  writeFileSync(join(work, 'nl\nx'), '');
  const put = tswatchSync(['trash', 'put', '-v', 'a b', 'nl\nx'], { cwd: work, env });
  assert.equal(put.status, 0, put.stderr);
  assert.equal(put.stdout, `trashed 'a b' to ${homeTrash}\ntrashed 'nl'$'\\n''x' to ${homeTrash}\n`);
  const list = tswatchSync(['trash', 'list'], { env });
  const lines = list.stdout.split('\n').filter((l) => l.includes(work));
  assert.deepEqual(lines.map((l) => l.replace(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} /, '')).sort(), [
    `    0 '${work}/nl'$'\\n''x'`,
    `    5 ${work}/a b`,
  ]);
  const json = JSON.parse(tswatchSync(['trash', 'list', '--json'], { env }).stdout) as Array<Record<string, unknown>>;
  const ab = json.find((i) => i.path === join(work, 'a b'))!;
  assert.match(ab.deletionDate as string, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  assert.deepEqual(
    { ...ab, deletionDate: 0 },
    { path: join(work, 'a b'), deletionDate: 0, size: 5, isDirectory: false, trashDir: homeTrash, name: 'a b' },
  );
});

test('put: a missing file is reported, the others are still trashed, exit 1', () => {
  const { work, env } = trashEnv();
  writeFileSync(join(work, 'ok'), '');
  const put = tswatchSync(['trash', 'put', 'missing', 'ok'], { cwd: work, env });
  assert.equal(put.status, 1);
  assert.match(put.stderr, /^tswatch trash put: cannot trash 'missing': No such file or directory\n/);
  assert.equal(existsSync(join(work, 'ok')), false);
});

test('restore: --version, refusal to overwrite (exit 1, hint), --force, --to; bad --version names the flag', () => {
  const { work, env, options } = trashEnv();
  let clock = Date.now() - 10_000;
  const trash = new Trash({
    ...options,
    now: () => {
      clock += 1000;
      return new Date(clock);
    },
  });
  for (const v of ['old', 'new']) {
    writeFileSync(join(work, 'f'), v);
    trash.put(join(work, 'f'));
  }
  const first = tswatchSync(['trash', 'restore', 'f', '--version', '2'], { cwd: work, env });
  assert.equal(first.status, 0, first.stderr);
  assert.equal(first.stdout, `restored ${join(work, 'f')}\n`);
  assert.equal(readFileSync(join(work, 'f'), 'utf8'), 'old');
  const refused = tswatchSync(['trash', 'restore', 'f'], { cwd: work, env });
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /^tswatch: refusing to overwrite '.*\/f'\n {2}give --force/);
  assert.equal(readFileSync(join(work, 'f'), 'utf8'), 'old');
  const to = tswatchSync(['trash', 'restore', 'f', '--to', 'elsewhere'], { cwd: work, env });
  assert.equal(to.status, 0, to.stderr);
  assert.equal(readFileSync(join(work, 'elsewhere', 'f'), 'utf8'), 'new');
  const bad = tswatchSync(['trash', 'restore', 'f', '--version', 'newest'], { cwd: work, env });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /--version 'newest': not a number/);
  const none = tswatchSync(['trash', 'restore', 'nothing*'], { cwd: work, env });
  assert.equal(none.status, 1);
  assert.match(none.stderr, /nothing in the trash was trashed from 'nothing\*'\n {2}tswatch trash list/);
});

test('empty --older-than DAYS, and a bad value named with the flag', () => {
  const { work, env, options, homeTrash } = trashEnv();
  writeFileSync(join(work, 'old'), 'x');
  new Trash({ ...options, now: () => new Date(Date.now() - 3 * 86_400_000) }).put(join(work, 'old'));
  writeFileSync(join(work, 'new'), 'x');
  new Trash(options).put(join(work, 'new'));
  const run = tswatchSync(['trash', 'empty', '--older-than', '2', '--trash-dir', homeTrash], { env });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, 'removed 1 item(s), 1 bytes\n');
  assert.deepEqual(
    new Trash(options).list().map((i) => i.path),
    [join(work, 'new')],
  );
  const bad = tswatchSync(['trash', 'empty', '--older-than', '-1', '--trash-dir', homeTrash], { env });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /--older-than '-1': not a number ≥ 0/);
});
