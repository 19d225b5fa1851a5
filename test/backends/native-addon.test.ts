import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { spawnCommand } from '../helpers/spawn-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const LOADER = fileURLToPath(new URL('../../src/backends/native-addon.js', import.meta.url));
const REBUILD_HINT = 'rebuild it with `npm rebuild tswatch` (needs python3, make and a C++ compiler)';
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** What loadNativeAddon() returns in a fresh process running `loader`. */
async function loadIn(loader: string, env: NodeJS.ProcessEnv): Promise<{ addon?: unknown; error?: string; hint?: string }> {
  const source = `const { loadNativeAddon } = await import(${JSON.stringify(loader)});
    const loaded = loadNativeAddon();
    console.log(JSON.stringify('addon' in loaded ? { addon: loaded.addon.version } : loaded));`;
  const run = spawnCommand(process.execPath, ['--input-type=module', '-e', source], env);
  assert.equal(await run.exited, 0, run.stderr);
  return JSON.parse(run.stdout) as { addon?: unknown; error?: string; hint?: string };
}

test('the addon reports the package version it was built for', async () => {
  assert.deepEqual(await loadIn(LOADER, {}), { addon: VERSION });
});

test('an addon built for another tswatch version is refused, saying how to rebuild it', async () => {
  // A package root claiming another version, whose addon lookup (TSWATCH_PREBUILD, read by
  // node-gyp-build) points at this checkout's build.
  const pkg = tmpDir();
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'tswatch', version: '9.9.9' }));
  symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'));
  copyFileSync(LOADER, join(pkg, 'native-addon.js'));
  const loaded = await loadIn(join(pkg, 'native-addon.js'), { TSWATCH_PREBUILD: ROOT });
  assert.match(loaded.error ?? '', new RegExp(`was built for tswatch ${VERSION.replaceAll('.', '\\.')}, this is tswatch 9\\.9\\.9$`));
  assert.equal(loaded.hint, REBUILD_HINT);
});

test('no addon for this platform: the error names the platform and how to build one', async () => {
  const loaded = await loadIn(LOADER, { TSWATCH_PREBUILD: tmpDir() });
  const where = `${process.platform}-${process.arch}`;
  assert.match(loaded.error ?? '', new RegExp(`^no addon for ${where} in .* \\(prebuilt only for linux-x64 glibc\\)$`));
  assert.equal(loaded.hint, REBUILD_HINT);
});
