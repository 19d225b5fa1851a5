/**
 * What the CLI loads, as users run it: a plain watch loads the core, the native addon and its printer;
 * --version and --help load only the command declarations. A stray static import of a subcommand's
 * modules (mail, YAML, zod, brokers, parcel, chokidar, a recipe) fails here.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { MODULE_LOG } from '../helpers/module-log.js';
import { spawnCommand, TSWATCH_BIN } from '../helpers/spawn-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The modules `tswatch ARGS` loaded by the time `until` is on stderr (or it exited), relative to the package. */
async function modulesLoadedBy(args: string[], until?: string): Promise<string[]> {
  const log = join(tmpDir(), 'modules');
  const run = spawnCommand(process.execPath, ['--import', MODULE_LOG, TSWATCH_BIN, ...args], { TSWATCH_MODULE_LOG: log });
  if (until === undefined) await run.exited;
  else {
    await run.waitStderr(until);
    run.child.kill('SIGKILL');
  }
  const urls = readFileSync(log, 'utf8').split('\n').filter((line) => line !== '');
  return [...new Set(urls.map((url) => relative(ROOT, fileURLToPath(url))))];
}

/** The npm packages among the modules. */
const packages = (modules: string[]): string[] =>
  [...new Set(modules.flatMap((m) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(m)?.[1] ?? []))].sort();

/** The packages of the CLI's parser and the core (globs, and the addon's loader). */
const CORE_PACKAGES = ['commander', 'fdir', 'node-gyp-build', 'picomatch', 'tinyglobby'];

/** Import-free declaration modules the commands read for their --help (choices, defaults, parsers). */
const DECLARATIONS = [
  'dist/recipes/automation/busy-policy.js',
  'dist/recipes/automation/change-events.js',
  'dist/recipes/backup/versions.js',
  'dist/recipes/trash/shell-quote.js',
  'dist/handlers/stats-sort-keys.js',
];
const implementation = (modules: string[], under: string): string[] => modules.filter((m) => m.startsWith(under) && !DECLARATIONS.includes(m));

test('a plain watch loads the core, the addon and the printer: no recipe, mail, YAML, zod, broker, parcel or chokidar', { timeout: 60_000 }, async () => {
  const modules = await modulesLoadedBy(['-m', '-e', 'create', tmpDir()], 'Watches established.');
  assert.deepEqual(packages(modules), CORE_PACKAGES);
  assert.deepEqual(implementation(modules, 'dist/recipes/'), []);
  assert.ok(modules.includes('dist/src/watch-manager.js'), 'the core is loaded');
  assert.ok(modules.some((m) => m.endsWith('.node')), 'the native addon is loaded');
  assert.ok(modules.includes('dist/handlers/event-format.js'), 'the printer is loaded');
});

for (const flag of ['--version', '--help']) {
  test(`tswatch ${flag} loads only the command declarations`, { timeout: 60_000 }, async () => {
    const modules = await modulesLoadedBy([flag]);
    assert.deepEqual(packages(modules), ['commander']);
    assert.deepEqual(implementation(modules, 'dist/recipes/'), []);
    assert.deepEqual(implementation(modules, 'dist/handlers/'), []);
    assert.deepEqual(modules.filter((m) => m === 'dist/src/index.js' || m === 'dist/src/watch-manager.js'), []);
  });
}

test('each subcommand loads its own recipe, and only its own', { timeout: 60_000 }, async () => {
  const modules = await modulesLoadedBy(['trash', 'list']);
  assert.ok(modules.includes('dist/recipes/trash/trash.js'));
  assert.deepEqual(implementation(modules, 'dist/recipes/').filter((m) => !m.startsWith('dist/recipes/trash/')), []);
  assert.deepEqual(packages(modules).filter((p) => !CORE_PACKAGES.includes(p)), []);
});

test('a watch reads no subcommand declaration; each declared name is its command\'s', { timeout: 60_000 }, async () => {
  const modules = await modulesLoadedBy(['-m', '-e', 'create', tmpDir()], 'Watches established.');
  assert.deepEqual(modules.filter((m) => m.startsWith('dist/src/cli/commands/')), []);
  const { SUBCOMMANDS } = await import('../../src/cli/commands.js');
  for (const { name, load } of SUBCOMMANDS) assert.equal((await load()).name(), name);
});
