/**
 * `npx tswatch` in a checkout installs it into npm's npx cache as a link and runs its `prepare`: that
 * must not rebuild a dist/ that `npm ci` just built (the first run took 12–25 s), and must build a stale one.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tmpDir } from '../helpers/tmp-dir.js';

const PREPARE = fileURLToPath(new URL('../../../scripts/prepare.js', import.meta.url));

/** A package laid out as this one, whose build script only leaves a mark. */
function fakePackage(): string {
  const root = tmpDir();
  for (const dir of ['scripts', 'src', 'dist/cli', 'dist/bundle']) mkdirSync(join(root, dir), { recursive: true });
  copyFileSync(PREPARE, join(root, 'scripts/prepare.js'));
  writeFileSync(
    join(root, 'package.json'),
    JSON.stringify({ name: 'fake', type: 'module', scripts: { build: "node -e \"require('fs').writeFileSync('built', '')\"" } }),
  );
  writeFileSync(join(root, 'src/index.ts'), '');
  writeFileSync(join(root, 'dist/cli/main.js'), '');
  writeFileSync(join(root, 'dist/bundle/tswatch.cjs'), '');
  const past = new Date(Date.now() - 60_000);
  for (const file of ['package.json', 'src/index.ts', 'scripts/prepare.js']) utimesSync(join(root, file), past, past);
  return root;
}

test('prepare: a dist/ newer than every source is kept (no rebuild)', () => {
  const root = fakePackage();
  const run = spawnSync(process.execPath, ['scripts/prepare.js'], { cwd: root, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(existsSync(join(root, 'built')), false, 'nothing was built');
});

test('prepare: a source newer than dist/ (or no dist/) is built', () => {
  const root = fakePackage();
  writeFileSync(join(root, 'src/index.ts'), 'export {};\n');
  const run = spawnSync(process.execPath, ['scripts/prepare.js'], { cwd: root, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(existsSync(join(root, 'built')), true, 'npm run build ran');
});

test('prepare: a bundle older than dist/ (a `tsc` alone after it) or none is built', () => {
  for (const stale of [true, false]) {
    const root = fakePackage();
    const bundle = join(root, 'dist/bundle/tswatch.cjs');
    if (stale) utimesSync(bundle, new Date(Date.now() - 30_000), new Date(Date.now() - 30_000));
    else rmSync(bundle);
    const run = spawnSync(process.execPath, ['scripts/prepare.js'], { cwd: root, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(existsSync(join(root, 'built')), true, `npm run build ran (${stale ? 'stale' : 'no'} bundle)`);
  }
});
