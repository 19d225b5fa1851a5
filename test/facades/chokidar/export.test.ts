/** `tswatch/chokidar` resolves as a subpath export, with types, and never loads chokidar itself. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

test("'tswatch/chokidar' is chokidar 5's entry points: watch, FSWatcher, a default export", async () => {
  const mod = await import('tswatch/chokidar');
  assert.equal(typeof mod.watch, 'function');
  assert.equal(typeof mod.FSWatcher, 'function');
  assert.equal(mod.default.watch, mod.watch);
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  assert.equal(pkg.exports['./chokidar'].types, './dist/facades/chokidar/index.d.ts');
});

test('the facade imports chokidar nowhere (polling goes through the core)', () => {
  const dir = join(ROOT, 'facades/chokidar');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    assert.doesNotMatch(
      readFileSync(join(dir, file), 'utf8'),
      /^\s*(?:import|export)\b[^;]*from ['"]chokidar|import\(\s*['"]chokidar/m,
      file,
    );
  }
});
