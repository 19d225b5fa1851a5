#!/usr/bin/env node
// npm's `prepare`: build, unless dist/ is already newer than every source. `npx tswatch` in a checkout
// installs the checkout into npm's npx cache as a link and runs its prepare: without this check that
// first run rebuilt everything (12–25 s) though `npm ci` had just built it.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'cli', 'main.js');
const bundle = join(root, 'dist', 'bundle', 'tswatch.cjs');

/** The newest mtime under `path` (a file or a directory of sources). */
function newest(path) {
  const st = statSync(path, { throwIfNoEntry: false });
  if (st === undefined) return 0;
  if (!st.isDirectory()) return st.mtimeMs;
  let max = 0;
  for (const name of readdirSync(path)) max = Math.max(max, newest(join(path, name)));
  return max;
}

// What tsc compiles (tsconfig.json's include) and what decides how: bench/.build holds C binaries, not sources.
const sources = [
  'src',
  'handlers',
  'facades',
  'recipes',
  'daemon',
  'cli',
  'test',
  'bench/adapters',
  'bench/workloads',
  'tsconfig.json',
  'package.json',
].map((p) => join(root, p));
// The bundle goes with it: a `tsc` alone leaves it missing or older than dist/ (bin/tswatch.js then runs dist/, slower).
const fresh = existsSync(built) && Math.max(...sources.map(newest)) < statSync(built).mtimeMs && newest(bundle) >= statSync(built).mtimeMs;
if (!fresh) {
  const run = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  process.exit(run.status ?? 1);
}
