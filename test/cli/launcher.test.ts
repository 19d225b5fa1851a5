/**
 * bin/tswatch.js as users run it: it runs dist/bundle/tswatch.cjs with a V8 code cache when the bundle
 * is fresh, and dist/'s modules when it is stale, missing or turned off. The cache is only ever a help:
 * corrupt or unwritable, the output is the same. TSWATCH_BUNDLE_TRACE=1 makes the launcher say which
 * way it went ("tswatch: bundle, code cache used|not used" on stderr; nothing when it runs dist/).
 */
import assert from 'node:assert/strict';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { spawnCommand, TSWATCH_BIN } from '../helpers/spawn-cli.js';
import { noTestUser, spawnAsTestUser, testUser } from '../helpers/test-user.js';
import { tmpDir } from '../helpers/tmp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const TRACE = /^tswatch: bundle, code cache (used|not used)$/m;

/** `node BIN ARGS` to its exit; `cache` is XDG_CACHE_HOME. */
async function run(bin: string, args: string[], cache: string, env: NodeJS.ProcessEnv = {}) {
  const child = spawnCommand(process.execPath, [bin, ...args], { TSWATCH_BUNDLE_TRACE: '1', XDG_CACHE_HOME: cache, ...env });
  const code = await child.exited;
  assert.equal(code, 0, child.stderr);
  return { stdout: child.stdout, stderr: child.stderr, trace: TRACE.exec(child.stderr)?.[1] ?? 'dist' };
}

/** The cache files under XDG_CACHE_HOME=`cache`. */
const cacheFiles = (cache: string): string[] => (existsSync(join(cache, 'tswatch')) ? readdirSync(join(cache, 'tswatch')).sort() : []);

/** --help as dist/'s modules print it: what the bundle must print too. */
const HELP = spawnCommand(process.execPath, [TSWATCH_BIN, '--help'], { TSWATCH_NO_BUNDLE: '1' });
const helpText = async (): Promise<string> => {
  await HELP.exited;
  return HELP.stdout;
};

test('the bundle runs when fresh; its code cache is written by the first run of a command and used by the next', async () => {
  const cache = tmpDir();
  const first = await run(TSWATCH_BIN, ['--version'], cache);
  assert.equal(first.trace, 'not used', "the checkout's bundle runs: if it is missing or older than dist/, `npm run build`");
  assert.equal(first.stdout, `${VERSION}\n`);
  const [file, ...more] = cacheFiles(cache);
  assert.match(file ?? '', /^[0-9a-f]{16}-version-.*\.v8cache$/);
  assert.deepEqual(more, []);
  const written = statSync(join(cache, 'tswatch', file!)).mtimeMs;
  const second = await run(TSWATCH_BIN, ['--version'], cache);
  assert.deepEqual([second.trace, second.stdout], ['used', `${VERSION}\n`]);
  assert.equal(statSync(join(cache, 'tswatch', file!)).mtimeMs, written, 'a cache V8 took is not rewritten');
  for (const expected of ['not used', 'used']) {
    const help = await run(TSWATCH_BIN, ['--help'], cache);
    assert.equal(help.trace, expected, '--help has a cache of its own');
    assert.equal(help.stdout, await helpText());
  }
  assert.equal(cacheFiles(cache).length, 2);
});

test('a watch ended by a signal has saved its own cache once idle, and the next watch uses it', async () => {
  const cache = tmpDir();
  const dir = tmpDir();
  for (const expected of ['not used', 'used']) {
    const watch = spawnCommand(process.execPath, [TSWATCH_BIN, '-m', '-e', 'create', dir], {
      TSWATCH_BUNDLE_TRACE: '1',
      XDG_CACHE_HOME: cache,
    });
    await watch.waitStderr('Watches established.');
    assert.equal(TRACE.exec(watch.stderr)?.[1], expected);
    await waitFor(() => cacheFiles(cache).some((f) => /-watch-/.test(f)), 'the watch cache to be written');
    writeFileSync(join(dir, expected.replace(' ', '-')), '');
    await watch.waitStdout(`${dir}/ CREATE ${expected.replace(' ', '-')}\n`);
    watch.child.kill('SIGTERM');
    await watch.exited;
  }
});

test('a corrupt cache is ignored (same output) and rewritten', async () => {
  const cache = tmpDir();
  await run(TSWATCH_BIN, ['--help'], cache);
  const [name] = cacheFiles(cache);
  const file = join(cache, 'tswatch', name!);
  const good = readFileSync(file);
  const corruptions: Record<string, Buffer> = {
    'flipped bytes': Buffer.concat([
      good.subarray(0, good.length >> 1),
      Buffer.from([0xff, 0xfe, 0xfd, 0xfc]),
      good.subarray((good.length >> 1) + 4),
    ]),
    'a block of zeros': Buffer.concat([good.subarray(0, good.length >> 2), Buffer.alloc(4096), good.subarray((good.length >> 2) + 4096)]),
    truncated: good.subarray(0, good.length >> 1),
    'not a cache': Buffer.from('hello\n'),
    empty: Buffer.alloc(0),
  };
  for (const [what, bytes] of Object.entries(corruptions)) {
    writeFileSync(file, bytes);
    const help = await run(TSWATCH_BIN, ['--help'], cache);
    assert.equal(help.trace, 'not used', what);
    assert.equal(help.stdout, await helpText(), what);
    assert.ok(!readFileSync(file).equals(bytes), `${what}: the cache is rewritten`);
    assert.equal((await run(TSWATCH_BIN, ['--help'], cache)).trace, 'used', `${what}: the rewritten cache is used`);
  }
});

/** A package laid out as this checkout (its own bin/ and bundle; dist/ and the rest linked), `checkout`: with TypeScript sources. */
function packageCopy(checkout: boolean): { bin: string; bundle: string } {
  const root = tmpDir();
  cpSync(join(ROOT, 'bin'), join(root, 'bin'), { recursive: true });
  copyFileSync(join(ROOT, 'package.json'), join(root, 'package.json'));
  mkdirSync(join(root, 'dist/bundle'), { recursive: true });
  for (const dir of ['src', 'handlers', 'facades', 'recipes', 'daemon', 'cli'])
    symlinkSync(join(ROOT, 'dist', dir), join(root, 'dist', dir));
  for (const dir of ['node_modules', 'build']) symlinkSync(join(ROOT, dir), join(root, dir));
  if (checkout) {
    mkdirSync(join(root, 'cli'), { recursive: true });
    writeFileSync(join(root, 'cli/main.ts'), '');
  }
  const bundle = join(root, 'dist/bundle/tswatch.cjs');
  copyFileSync(join(ROOT, 'dist/bundle/tswatch.cjs'), bundle);
  return { bin: join(root, 'bin/tswatch.js'), bundle };
}

test('a bundle older than dist/ in a checkout (a `tsc` since) falls back to dist/; in an installed package it runs', async () => {
  const cache = tmpDir();
  const past = new Date(statSync(join(ROOT, 'dist/cli/main.js')).mtimeMs - 60_000);
  for (const checkout of [true, false]) {
    const { bin, bundle } = packageCopy(checkout);
    assert.notEqual((await run(bin, ['--version'], cache)).trace, 'dist', 'fresh: the bundle');
    utimesSync(bundle, past, past);
    const stale = await run(bin, ['--version'], cache);
    assert.deepEqual(
      [stale.trace !== 'dist', stale.stdout],
      [!checkout, `${VERSION}\n`],
      checkout ? 'checkout: dist/' : 'installed: the bundle',
    );
  }
  const { bin, bundle } = packageCopy(true);
  assert.equal((await run(bin, ['--version'], cache, { TSWATCH_NO_BUNDLE: '1' })).trace, 'dist', 'TSWATCH_NO_BUNDLE=1');
  rmSync(bundle);
  const missing = await run(bin, ['--version'], cache);
  assert.deepEqual([missing.trace, missing.stdout], ['dist', `${VERSION}\n`], 'no bundle');
});

test('an unwritable or unreadable cache changes nothing, for a real user', { skip: noTestUser() }, async () => {
  testUser();
  const cases: Record<string, (cache: string) => Promise<unknown>> = {
    'XDG_CACHE_HOME not writable': async () => {},
    // root's cache in root's tswatch/ (modes 0700, 0600): the user can neither read it nor write one
    'tswatch/ not writable, its cache unreadable': (cache) => run(TSWATCH_BIN, ['--version'], cache),
  };
  for (const [what, arrange] of Object.entries(cases)) {
    const cache = tmpDir();
    chmodSync(cache, 0o755);
    await arrange(cache);
    const before = cacheFiles(cache);
    for (const args of [['--version'], ['--help']]) {
      const child = spawnAsTestUser(process.execPath, [TSWATCH_BIN, ...args], { TSWATCH_BUNDLE_TRACE: '1', XDG_CACHE_HOME: cache });
      assert.equal(await child.exited, 0, `${what}: ${child.stderr}`);
      assert.equal(child.stderr, 'tswatch: bundle, code cache not used\n', what);
      assert.equal(child.stdout, args[0] === '--version' ? `${VERSION}\n` : await helpText(), what);
    }
    const dir = tmpDir();
    chmodSync(dir, 0o777);
    const watch = spawnAsTestUser(process.execPath, [TSWATCH_BIN, '-e', 'create', dir], {
      TSWATCH_BUNDLE_TRACE: '1',
      XDG_CACHE_HOME: cache,
    });
    await watch.waitStderr('Watches established.');
    writeFileSync(join(dir, 'foo'), '');
    assert.equal(await watch.exited, 0, watch.stderr);
    assert.equal(watch.stdout, `${dir}/ CREATE foo\n`, what);
    assert.equal(watch.stderr, 'tswatch: bundle, code cache not used\nSetting up watches.\nWatches established.\n', what);
    assert.deepEqual(cacheFiles(cache), before, `${what}: nothing written`);
  }
});

test('saving a cache removes the month-old caches of other versions, and keeps recent ones (another install)', async () => {
  const cache = tmpDir();
  mkdirSync(join(cache, 'tswatch'));
  const old = join(cache, 'tswatch', 'ffffffffffffffff-version-0-x64.v8cache');
  const recent = join(cache, 'tswatch', 'eeeeeeeeeeeeeeee-version-0-x64.v8cache');
  for (const file of [old, recent]) writeFileSync(file, 'x');
  const longAgo = new Date(Date.now() - 40 * 24 * 3600 * 1000);
  utimesSync(old, longAgo, longAgo);
  assert.equal((await run(TSWATCH_BIN, ['--version'], cache)).trace, 'not used');
  assert.deepEqual([existsSync(old), existsSync(recent), cacheFiles(cache).length], [false, true, 2]);
});
