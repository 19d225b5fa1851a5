/** `tswatch run --config`: the daemon's engine in the foreground, with handler modules. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { spawnTswatch } from '../../helpers/spawn-cli.js';
import { tmpDir } from '../../helpers/tmp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';

const API = pathToFileURL(fileURLToPath(new URL('../../../src/index.js', import.meta.url))).href;
const lines = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

test('handler modules: a ProcessEvent subclass (with options) and an object of process_IN_* functions', async () => {
  const root = tmpDir();
  for (const d of ['a', 'b']) mkdirSync(join(root, d));
  const out = join(root, 'out');
  writeFileSync(
    join(root, 'subclass.mjs'),
    `import { appendFileSync } from 'node:fs';
import { ProcessEvent } from '${API}';
export default class Handler extends ProcessEvent {
  constructor(options) { super(); this.tag = options.tag; }
  process_IN_CLOSE_WRITE(event) { appendFileSync(${JSON.stringify(out)}, this.tag + ' ' + event.name + '\\n'); }
}
`,
  );
  writeFileSync(
    join(root, 'functions.mjs'),
    `import { appendFileSync } from 'node:fs';
export const handler = { process_IN_DELETE: (event) => appendFileSync(${JSON.stringify(out)}, 'deleted ' + event.pathname + '\\n') };
`,
  );
  writeFileSync(
    join(root, 'tswatch.yaml'),
    `watches:\n  - paths: [a]\n    handler: ./subclass.mjs\n    options: { tag: written }\n  - paths: [b]\n    events: delete\n    handler: functions.mjs\n`,
  );
  const run = spawnTswatch(['run', '--config', join(root, 'tswatch.yaml')]);
  await run.waitStderr('Watches established.');
  writeFileSync(join(root, 'a', 'one'), 'x');
  await waitFor(() => lines(out).length === 1, 'the subclass');
  writeFileSync(join(root, 'b', 'gone'), 'x');
  const { rmSync } = await import('node:fs');
  rmSync(join(root, 'b', 'gone'));
  await waitFor(() => lines(out).length === 2, 'the functions');
  assert.deepEqual(lines(out), ['written one', `deleted ${join(root, 'b', 'gone')}`]);
  run.child.kill('SIGINT');
  assert.equal(await run.exited, 0);
});

test('a module that exports no handler, and a recipe name nobody registered: clear errors', async () => {
  const root = tmpDir();
  mkdirSync(join(root, 'a'));
  writeFileSync(join(root, 'empty.mjs'), 'export const x = 1;\n');
  writeFileSync(join(root, 'h.yaml'), 'watches:\n  - paths: [a]\n    handler: empty.mjs\n');
  const bad = spawnTswatch(['run', '--config', join(root, 'h.yaml')]);
  assert.equal(await bad.exited, 1);
  assert.match(
    bad.stderr,
    /handler module '.*empty\.mjs' exports an object without process_IN_\* or on_\* functions \(keys: x\), not a handler\n {2}expected a module exporting \(default, or as `handler`\) a ProcessEvent subclass/,
  );
  writeFileSync(join(root, 'r.yaml'), 'watches:\n  - paths: [a]\n    recipe: nosuch\n');
  const unknown = spawnTswatch(['run', '--config', join(root, 'r.yaml')]);
  assert.equal(await unknown.exited, 1);
  assert.match(unknown.stderr, /r\.yaml:3:5: watches\[0\]\.recipe: unknown recipe 'nosuch' \(known recipes: exec, restart, handler/);
});

test('the config example in --help is a valid config file', async () => {
  const { CONFIG_EXAMPLE } = await import('../../../cli/commands/config-run-options.js');
  const { loadConfig } = await import('../../../daemon/config-loader.js');
  const lines = CONFIG_EXAMPLE.split('\n');
  const yaml = lines
    .slice(
      lines.findIndex((line) => line.startsWith('Config file')) + 1,
      lines.findIndex((line) => line.startsWith('  A string')),
    )
    .map((line) => line.slice(2));
  const file = join(tmpDir(), 'example.yaml');
  writeFileSync(file, `${yaml.join('\n')}\n`);
  const config = loadConfig(file);
  assert.deepEqual(
    config.watches.map((watch) => watch.action.recipe),
    ['exec', 'restart', 'exec', 'handler', 'backup', 'publish'],
  );
  assert.deepEqual(config.fleet?.sinks, [{ url: 'nats://broker:4222/fleet.files' }]);
  assert.deepEqual(config.watches[2]!.stream, {
    sink: { url: 'nats://broker:4222/fleet.files' },
    hosts: ['web*'],
    durable: undefined,
    since: undefined,
  });
  assert.deepEqual(config.watches[2]!.selection?.paths, ['/srv/www']);
});

test('a reload that changes a handler watch imports the edited module again', async () => {
  const root = tmpDir();
  mkdirSync(join(root, 'a'));
  const out = join(root, 'out');
  const module = (tag: string): string =>
    `import { appendFileSync } from 'node:fs';\nexport default (event) => appendFileSync(${JSON.stringify(out)}, '${tag} ' + event.name + '\\n');\n`;
  const config = (n: number): string =>
    `watches:\n  - paths: [a]\n    events: close_write\n    handler: ./h.mjs\n    options: { n: ${n} }\n`;
  writeFileSync(join(root, 'h.mjs'), module('old'));
  writeFileSync(join(root, 'tswatch.yaml'), config(1));
  const run = spawnTswatch(['run', '--config', join(root, 'tswatch.yaml')]);
  await run.waitStderr('Watches established.');
  writeFileSync(join(root, 'a', 'one'), 'x');
  await waitFor(() => lines(out).length === 1, 'the first module');
  writeFileSync(join(root, 'h.mjs'), module('new'));
  writeFileSync(join(root, 'tswatch.yaml'), config(2));
  run.child.kill('SIGHUP');
  await run.waitStderr('reload');
  await waitFor(() => {
    writeFileSync(join(root, 'a', 'two'), 'x');
    return lines(out).some((line) => line.startsWith('new '));
  }, 'the edited module');
  assert.equal(lines(out)[0], 'old one');
  run.child.kill('SIGINT');
  assert.equal(await run.exited, 0);
});
