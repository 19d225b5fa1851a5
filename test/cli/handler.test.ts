/** `tswatch --handler MODULE`: the shipped examples, TypeScript through tsx, and loading errors. */
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { spawnTswatch } from '../helpers/spawn-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const example = (file: string): string => join(ROOT, file);

async function handle(module: string, ops: (dir: string) => void, lines: number) {
  const dir = tmpDir();
  const run = spawnTswatch(['--handler', module, dir]);
  await run.waitStderr('Watches established.');
  ops(dir);
  await run.waitLines(lines);
  run.child.kill();
  return { lines: run.lines(), dir };
}

const work = (dir: string): void => {
  writeFileSync(join(dir, 'a.txt'), 'x');
  renameSync(join(dir, 'a.txt'), join(dir, 'b.txt'));
  rmSync(join(dir, 'b.txt'));
};

for (const file of ['dist/handlers/examples/log-changes.js', 'handlers/examples/log-changes.ts']) {
  test(`a ProcessEvent subclass (${file.endsWith('.ts') ? 'TypeScript, through tsx' : 'compiled'}) runs on every event`, async () => {
    const { lines, dir } = await handle(example(file), work, 3);
    assert.deepEqual(lines, [`written: ${dir}/a.txt`, `renamed: ${dir}/a.txt -> ${dir}/b.txt`, `deleted: ${dir}/b.txt`]);
  });
}

test('an object of watchdog on_* functions gets watchdog events', async () => {
  const { lines, dir } = await handle(example('dist/handlers/examples/watchdog-style.js'), work, 2);
  assert.deepEqual(lines, [`created ${dir}/a.txt (.txt: 1)`, `moved ${dir}/a.txt -> ${dir}/b.txt`]);
});

test('an object of process_IN_* functions; a handler that throws is reported and delivery goes on', async () => {
  const module = join(tmpDir(), 'hooks.mjs');
  writeFileSync(
    module,
    `export function process_IN_CREATE(event) {
       if (event.name === 'boom') throw new Error('handler failed');
       console.log('created ' + event.name);
     }`,
  );
  const dir = tmpDir();
  const run = spawnTswatch(['--handler', module, dir]);
  await run.waitStderr('Watches established.');
  writeFileSync(join(dir, 'boom'), '');
  writeFileSync(join(dir, 'after'), '');
  await run.waitLines(1);
  await run.waitStderr('handler failed');
  run.child.kill();
  assert.deepEqual(run.lines(), ['created after']);
  assert.match(run.stderr, /tswatch: handling <Event [^>]*name=boom[^>]*>: Error: handler failed/);
});

test('loading errors name the file and what was expected', async () => {
  const dir = tmpDir();
  const cases: Array<[string, string, RegExp]> = [
    ['missing.js', '', /--handler: '\S+missing\.js' does not exist/],
    [
      'empty.mjs',
      'export const x = 1;',
      /exports an object without process_IN_\* or on_\* functions \(keys: x\)[\s\S]*expected a module exporting/,
    ],
    ['syntax.mjs', 'export default class {', /failed to load: Unexpected/],
    ['class.mjs', 'export default class Helper {}', /exports a class 'Helper' with no process_IN_\* or on_\* methods/],
  ];
  for (const [name, source, message] of cases) {
    const file = join(dir, name);
    if (source) writeFileSync(file, source);
    const run = spawnTswatch(['--handler', file, dir]);
    assert.equal(await run.exited, 1, name);
    assert.match(run.stderr, message, name);
  }
});

test('a handler also gets IN_IGNORED (as pyinotify), and tswatch ends when nothing is left to watch', async () => {
  const module = join(tmpDir(), 'gone.mjs');
  writeFileSync(
    module,
    `export function process_IN_DELETE_SELF(e) { console.log('deleted self ' + e.path); }
export function process_IN_IGNORED(e) { console.log('ignored ' + e.wd); }`,
  );
  const dir = join(tmpDir(), 'doomed');
  mkdirSync(dir);
  const run = spawnTswatch(['--handler', module, dir]);
  await run.waitStderr('Watches established.');
  rmSync(dir, { recursive: true });
  assert.equal(await run.exited, 0);
  assert.deepEqual(run.lines(), [`deleted self ${dir}`, 'ignored 1']);
});

test('a plain function is a handler too (as pyinotify takes any callable): the same loader as a config file', async () => {
  const module = join(tmpDir(), 'fn.mjs');
  writeFileSync(module, 'export default function onEvent(event) { if (event.name) console.log(event.maskname + " " + event.name); }\n');
  const { lines } = await handle(module, (dir) => writeFileSync(join(dir, 'f'), ''), 1);
  assert.equal(lines[0], 'IN_CREATE f');
});
