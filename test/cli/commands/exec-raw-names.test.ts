/**
 * Issue 16.6: a name that is not UTF-8 never reaches a command as another file. Node passes argv and the
 * environment as UTF-8, where `name\xff` and `name\xfe` both become the real file `name\xef\xbf\xbd`: such
 * an event is not run (said once per directory, counted), and a batch's stdin carries the exact bytes.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnTswatch } from '../../helpers/spawn-cli.js';
import { tmpDir } from '../../helpers/tmp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';

/** `dir/name` plus raw bytes: a path Buffer, as fs takes them. */
const rawPath = (dir: string, ...bytes: number[]): Buffer => Buffer.concat([Buffer.from(`${dir}/name`), Buffer.from(bytes)]);
const DECOY = 'name\uFFFD'; // bytes ef bf bd: what name\xff and name\xfe turn into in a UTF-8 argv
const names = (dir: string): string[] =>
  readdirSync(dir, { encoding: 'buffer' })
    .map((n) => n.toString('latin1'))
    .sort();
const latin1 = (...bytes: number[]): string => Buffer.concat([Buffer.from('name'), Buffer.from(bytes)]).toString('latin1');

/** A tree `w/` and `w/sub/`, each holding the decoy before tswatch starts. */
function tree() {
  const top = tmpDir();
  const dir = join(top, 'w');
  const sub = join(dir, 'sub');
  mkdirSync(sub, { recursive: true });
  for (const d of [dir, sub]) writeFileSync(join(d, DECOY), 'decoy');
  return { top, dir, sub };
}

async function stop(run: ReturnType<typeof spawnTswatch>): Promise<void> {
  run.child.kill('SIGTERM');
  assert.equal(await run.exited, 0, run.stderr);
}

test('exec -- rm -- {path}: name\\xff and name\\xfe are not run (said once per directory, escaped); the decoy name\\uFFFD survives', {
  timeout: 60_000,
}, async () => {
  const { dir, sub } = tree();
  const run = spawnTswatch(['exec', '-r', dir, '--', 'rm', '--', '{path}']);
  await run.waitStderr('Watches established.');
  for (const d of [dir, sub]) {
    writeFileSync(rawPath(d, 0xff), 'x');
    writeFileSync(rawPath(d, 0xfe), 'x');
  }
  writeFileSync(join(dir, 'last'), ''); // removed by its run: the events before it have been handled
  await waitFor(() => !existsSync(join(dir, 'last')), `the run for 'last': ${run.stderr}`);
  for (const d of [dir, sub]) {
    assert.deepEqual(
      names(d).filter((n) => n.startsWith('name')),
      [latin1(0xef, 0xbf, 0xbd), latin1(0xfe), latin1(0xff)].sort(),
      'every file still there, the decoy too',
    );
    assert.equal(readFileSync(join(d, DECOY), 'utf8'), 'decoy');
  }
  await stop(run);
  const said = run.stderr.split('\n').filter((l) => l.includes('not run for'));
  assert.equal(said.length, 2, `once per directory: ${run.stderr}`);
  assert.ok(said[0]!.includes(`not run for '${dir}/name\\xff': its name is not UTF-8`), said[0]);
  assert.ok(said[1]!.includes(`not run for '${sub}/name\\xff'`), said[1]);
  assert.match(said[0]!, /use --batch .* NUL-separated on stdin/);
});

test('exec --batch: NUL-separated stdin carries the exact bytes (xargs -0 rm removes just them); {paths} refuses them, counted', {
  timeout: 60_000,
}, async () => {
  const { top, dir } = tree();
  const viaStdin = spawnTswatch(['exec', '--batch', dir, '--', 'xargs', '-0', 'rm', '--']);
  const out = join(top, 'args');
  const viaArgs = spawnTswatch(['exec', '--batch', dir, '--', 'sh', '-c', 'printf "%s\\0" "$@" >> "$0"', out, '{paths}']);
  await viaStdin.waitStderr('Watches established.');
  await viaArgs.waitStderr('Watches established.');
  writeFileSync(rawPath(dir, 0xff), 'x');
  writeFileSync(rawPath(dir, 0xfe), 'x');
  await waitFor(() => names(dir).length === 2, `the raw names removed: ${names(dir)} ${viaStdin.stderr}`);
  assert.deepEqual(names(dir), [latin1(0xef, 0xbf, 0xbd), 'sub'], 'removed by their exact bytes; the decoy survives');
  await waitFor(() => viaArgs.stderr.includes('not run for'), 'the {paths} run to refuse them');
  assert.match(viaArgs.stderr, /not run for '.*\/name\\x(ff|fe)'.*NUL-separated on stdin instead of \{paths\}/);
  assert.equal(viaArgs.stderr.split('not run for').length, 2, 'said once for the directory');
  assert.ok(!existsSync(out), `no run with a nearby name: ${existsSync(out) ? readFileSync(out, 'latin1') : ''}`);
  await stop(viaStdin);
  await stop(viaArgs);
});

test('daemon: the refused events are counted in ctl status (action.refused); the decoy survives', { timeout: 60_000 }, async () => {
  const { top, dir } = tree();
  const config = join(top, 'tswatch.yaml');
  const pidfile = join(top, 'pid');
  writeFileSync(config, `watches:\n  - name: clean\n    paths: [w]\n    exec: [rm, '--', '{path}']\n`);
  const daemon = spawnTswatch(['daemon', '--config', config, '--pidfile', pidfile]);
  await daemon.waitStderr('Watches established.');
  writeFileSync(rawPath(dir, 0xff), 'x');
  writeFileSync(rawPath(dir, 0xfe), 'x');
  writeFileSync(join(dir, 'last'), '');
  await waitFor(() => !existsSync(join(dir, 'last')), `the run for 'last': ${daemon.stderr}`);
  const ctl = spawnTswatch(['ctl', '--pidfile', pidfile, 'status', '--json']);
  assert.equal(await ctl.exited, 0, ctl.stderr);
  const [unit] = JSON.parse(ctl.stdout) as Array<{ action: { refused?: number; runs: number } }>;
  assert.equal(unit!.action.refused, 2);
  const table = spawnTswatch(['ctl', '--pidfile', pidfile, 'status']);
  assert.equal(await table.exited, 0, table.stderr);
  assert.match(table.stdout, /watch 'clean': 2 events not run \(names a command line cannot carry exactly/);
  assert.equal(readFileSync(join(dir, DECOY), 'utf8'), 'decoy');
  assert.match(daemon.stderr, /\[clean\] not run for '.*\/w\/name\\xff'/);
  await stop(daemon);
});
