/**
 * What the CLI loads, as users run it: a plain watch loads the core, the native addon and its printer;
 * --version and --help load only the command declarations. A stray static import of a subcommand's
 * modules (mail, YAML, zod, brokers, parcel, chokidar, a recipe) fails here. Each case runs twice: on
 * the bundle bin/tswatch.js normally runs (its modules seen through V8's coverage, the packages it
 * leaves outside through the module log), and on dist/'s modules (TSWATCH_NO_BUNDLE=1, each file seen).
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { bundleModules } from '../helpers/bundle-coverage.js';
import { MODULE_LOG } from '../helpers/module-log.js';
import { spawnCommand, TSWATCH_BIN } from '../helpers/spawn-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MODES = ['bundle', 'dist'] as const;
type Mode = (typeof MODES)[number];

interface Loaded {
  /** Every module loaded, relative to the package: files of dist/ (bundled or not), bin/, node_modules/. */
  modules: string[];
  /** Whether `module` would be in `modules` if it had been loaded (the bundle names only what it can load lazily). */
  observable: (module: string) => boolean;
}

/**
 * The modules `tswatch ARGS` loaded until it exited; `during(stderr)` runs once it has started (a
 * watch is ended by an event: V8 writes coverage only on a normal exit).
 */
async function modulesLoadedBy(mode: Mode, args: string[], during?: () => void): Promise<Loaded> {
  const dir = tmpDir();
  const log = join(dir, 'modules');
  const coverage = join(dir, 'coverage');
  const env =
    mode === 'bundle'
      ? { TSWATCH_BUNDLE_TRACE: '1', NODE_V8_COVERAGE: coverage, XDG_CACHE_HOME: join(dir, 'cache') }
      : { TSWATCH_NO_BUNDLE: '1' };
  const run = spawnCommand(process.execPath, ['--import', MODULE_LOG, TSWATCH_BIN, ...args], { ...env, TSWATCH_MODULE_LOG: log });
  if (during !== undefined) {
    await run.waitStderr('Watches established.');
    during();
  }
  assert.equal(await run.exited, 0, run.stderr);
  const urls = readFileSync(log, 'utf8')
    .split('\n')
    .filter((line) => line !== '');
  const files = urls.map((url) => relative(ROOT, fileURLToPath(url)));
  if (mode === 'dist') return { modules: [...new Set(files)], observable: () => true };
  assert.match(
    run.stderr,
    /^tswatch: bundle, /m,
    'bin/tswatch.js ran dist/bundle/tswatch.cjs: if it is missing or older than dist/, `npm run build`',
  );
  const { loaded, wrapped } = bundleModules(coverage);
  return { modules: [...new Set([...files, ...loaded])], observable: (module) => files.includes(module) || wrapped.has(module) };
}

/** A one-shot `tswatch -e create DIR` ended by a file created in DIR. */
async function plainWatch(mode: Mode): Promise<Loaded> {
  const dir = tmpDir();
  return modulesLoadedBy(mode, ['-e', 'create', dir], () => writeFileSync(join(dir, 'foo'), ''));
}

/** The npm packages among the modules. */
const packages = (modules: string[]): string[] =>
  [...new Set(modules.flatMap((m) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(m)?.[1] ?? []))].sort();

/** The packages of the CLI's parser and the core (globs, and the addon's loader). */
const CORE_PACKAGES = ['commander', 'fdir', 'node-gyp-build', 'picomatch', 'tinyglobby'];

/**
 * The packages loaded: all of `allowed` from node_modules without the bundle; with it, only those the
 * bundle leaves outside (it holds the rest), and never any other.
 */
function assertPackages(mode: Mode, modules: string[], allowed: string[]): void {
  const loaded = packages(modules);
  if (mode === 'dist') assert.deepEqual(loaded, allowed);
  else
    assert.deepEqual(
      loaded.filter((p) => !allowed.includes(p)),
      [],
      'the bundle loads no other package',
    );
}

/** Import-free declaration modules the commands read for their --help (choices, defaults, parsers). */
const DECLARATIONS = [
  'dist/daemon/busy-policy.js',
  'dist/daemon/change-events.js',
  'dist/recipes/backup/versions.js',
  'dist/recipes/trash/shell-quote.js',
  'dist/handlers/stats-sort-keys.js',
];
const implementation = (modules: string[], under: string): string[] =>
  modules.filter((m) => m.startsWith(under) && !DECLARATIONS.includes(m));

for (const mode of MODES) {
  test(`${mode}: a plain watch loads the core, the addon and the printer: no recipe, mail, YAML, zod, broker, parcel or chokidar`, {
    timeout: 60_000,
  }, async () => {
    const { modules, observable } = await plainWatch(mode);
    assertPackages(mode, modules, CORE_PACKAGES);
    assert.ok(observable('dist/recipes/alert/mail-pipeline.js') && observable('dist/daemon/config-loader.js'), 'recipes would be seen');
    assert.deepEqual(implementation(modules, 'dist/recipes/'), []);
    assert.ok(modules.includes('dist/src/watch-manager.js'), 'the core is loaded');
    assert.ok(
      modules.some((m) => m.endsWith('.node')),
      'the native addon is loaded',
    );
    assert.ok(modules.includes('dist/handlers/event-format.js'), 'the printer is loaded');
  });

  for (const flag of ['--version', '--help']) {
    test(`${mode}: tswatch ${flag} loads only the command declarations`, { timeout: 60_000 }, async () => {
      const { modules, observable } = await modulesLoadedBy(mode, [flag]);
      assertPackages(mode, modules, ['commander']);
      assert.deepEqual(implementation(modules, 'dist/recipes/'), []);
      assert.deepEqual(implementation(modules, 'dist/handlers/'), []);
      for (const core of ['dist/src/index.js', 'dist/src/watch-manager.js', 'dist/handlers/event-format.js']) {
        assert.ok(observable(core), `${core} would be seen`);
        assert.ok(!modules.includes(core), `${core} is not loaded`);
      }
    });
  }

  test(`${mode}: each subcommand loads its own recipe, and only its own`, { timeout: 60_000 }, async () => {
    const { modules } = await modulesLoadedBy(mode, ['trash', 'list']);
    assert.ok(modules.includes('dist/recipes/trash/trash.js'));
    assert.deepEqual(
      implementation(modules, 'dist/recipes/').filter((m) => !m.startsWith('dist/recipes/trash/')),
      [],
    );
    assert.deepEqual(
      packages(modules).filter((p) => !CORE_PACKAGES.includes(p)),
      [],
    );
  });

  test(`${mode}: a watch reads no subcommand declaration`, { timeout: 60_000 }, async () => {
    const { modules, observable } = await plainWatch(mode);
    assert.ok(observable('dist/cli/commands/trash.js'), 'the subcommands would be seen');
    assert.deepEqual(
      modules.filter((m) => m.startsWith('dist/cli/commands/')),
      [],
    );
  });
}

test("each declared subcommand name is its command's", async () => {
  const { SUBCOMMANDS } = await import('../../cli/commands.js');
  for (const { name, load } of SUBCOMMANDS) assert.equal((await load()).name(), name);
});
