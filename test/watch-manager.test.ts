/** WatchManager's recursive add as a normal user: an unreadable directory costs that directory only. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { treeWithLockedDir } from './helpers/locked-tree.js';
import { noTestUser, spawnAsTestUser, spawnTswatchAsTestUser } from './helpers/test-user.js';

const INDEX = fileURLToPath(new URL('../src/index.js', import.meta.url));

test('recursive addWatch (quiet: false) as a normal user: the unreadable directory gets -EACCES, the rest is watched', {
  skip: noTestUser(),
  timeout: 30_000,
}, async () => {
  const { src, secret } = treeWithLockedDir();
  const script = `
    const { WatchManager, ALL_EVENTS } = await import(${JSON.stringify(INDEX)});
    const wm = new WatchManager();
    const result = wm.addWatch(process.argv[1], ALL_EVENTS, { rec: true, quiet: false });
    const errors = Object.fromEntries([...wm.errors].map(([p, e]) => [p, e.code]));
    process.stdout.write(JSON.stringify({ result, errors }));
    wm.close();`;
  const run = spawnAsTestUser(process.execPath, ['--input-type=module', '-e', script, src]);
  assert.equal(await run.exited, 0, run.stderr);
  const { result, errors } = JSON.parse(run.stdout) as { result: Record<string, number>; errors: Record<string, string> };
  assert.equal(result[secret], -13, 'EACCES as pyinotify gives it: minus the errno');
  assert.deepEqual(errors, { [secret]: 'EACCES' });
  for (const dir of ['', 'a', 'z', 'z/deep'])
    assert.ok(result[dir === '' ? src : join(src, dir)]! > 0, `${dir || 'SRC'} watched: ${run.stdout}`);
});

test('tswatch -r as a normal user names the unreadable directory and reports events from the others', {
  skip: noTestUser(),
  timeout: 30_000,
}, async () => {
  const { src, secret } = treeWithLockedDir();
  const watch = spawnTswatchAsTestUser(['-m', '-r', '-e', 'create', src]);
  await watch.waitStderr('Watches established.');
  assert.match(watch.stderr, new RegExp(`not watching .*'${secret}': permission denied`));
  const touch = spawnAsTestUser('touch', [join(src, 'z/deep/new')]);
  assert.equal(await touch.exited, 0, touch.stderr);
  await watch.waitStdout(`${join(src, 'z/deep')}/ CREATE new`);
  watch.child.kill('SIGTERM'); // runuser passes SIGTERM on (not SIGINT)
  await watch.exited;
});
