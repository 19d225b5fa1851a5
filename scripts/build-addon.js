#!/usr/bin/env node
// The package's install script: build the native inotify addon with node-gyp, offline, unless the
// package already carries a prebuilt one for this platform (prebuilds/, made at pack time). Installing
// never fails because of it: without the addon tswatch falls back to @parcel/watcher, and this script
// says so in one line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findNodeGyp, findNodedir, nodeGypEnv, onPath } from './node-gyp-env.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const log = join(root, 'build', 'tswatch-build.log');

function skip(reason) {
  console.error(
    `tswatch: native inotify addon not built (${reason}); falling back to @parcel/watcher, which cannot ` +
      'deliver IN_ACCESS, IN_ATTRIB, IN_OPEN, IN_CLOSE_WRITE, IN_CLOSE_NOWRITE, IN_MOVED_FROM, IN_MOVED_TO, ' +
      'IN_MOVE_SELF events or rename cookies',
  );
  process.exit(0);
}

/** True when prebuilds/ holds an addon for this platform that loads and is this package's version. */
function prebuildFits() {
  if (existsSync(join(root, 'build'))) return false; // a checkout or an earlier build: build from source
  try {
    const require = createRequire(import.meta.url);
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    return require('node-gyp-build')(root).version === version;
  } catch {
    return false;
  }
}

/**
 * True when an earlier build of this checkout is newer than every source it was built from and loads in
 * this Node: `npm ci` again, or npx linking the checkout, then costs nothing instead of a compile.
 * `npm rebuild` always builds.
 */
function buildFits() {
  if (process.env.npm_command === 'rebuild') return false;
  const addon = join(root, 'build', 'Release', 'tswatch_inotify.node');
  try {
    const built = statSync(addon).mtimeMs;
    const sources = [join(root, 'binding.gyp'), ...readdirSync(join(root, 'native')).map((name) => join(root, 'native', name))];
    if (sources.some((file) => statSync(file).mtimeMs > built)) return false;
    createRequire(import.meta.url)(addon);
    return true;
  } catch {
    return false;
  }
}

if (process.env.TSWATCH_SKIP_BUILD === '1') skip('TSWATCH_SKIP_BUILD=1');
if (process.platform !== 'linux') skip(`inotify is Linux-only, this is ${process.platform}`);
if (prebuildFits() || buildFits()) process.exit(0);
// node-gyp's own failure for a missing toolchain is pages long; name the missing tool instead.
const envCxx = process.env.CXX?.trim().split(/\s+/)[0]; // CXX may be `ccache g++`
const cxx = envCxx ? (existsSync(envCxx) ? envCxx : onPath(envCxx)) : onPath('c++', 'g++', 'clang++');
if (!cxx) skip(envCxx ? `C++ compiler '${envCxx}' (from CXX) not found` : 'no C++ compiler (c++/g++/clang++) on PATH');
if (!onPath('make')) skip('make not found on PATH');
if (!onPath('python3', 'python')) skip('python3 not found on PATH (node-gyp needs it)');

const nodedir = findNodedir();
const gyp = findNodeGyp();
if (!gyp) skip("node-gyp not found (neither npm_config_node_gyp, npm's bundled copy, nor node-gyp on PATH)");

const args = ['rebuild', ...(nodedir ? [`--nodedir=${nodedir}`] : [])];
const [command, argv] = gyp.endsWith('.js') ? [process.execPath, [gyp, ...args]] : [gyp, args];
const result = spawnSync(command, argv, { cwd: root, env: nodeGypEnv(nodedir), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
const output = `$ ${[command, ...argv].join(' ')}\n${result.stdout ?? ''}${result.stderr ?? ''}`;
if (result.error || result.status !== 0) {
  try {
    mkdirSync(dirname(log), { recursive: true });
    writeFileSync(log, output);
  } catch {
    // the warning below is what matters
  }
  const why = result.error ? result.error.message : `node-gyp rebuild exited with ${result.status ?? result.signal}`;
  skip(`${why}${nodedir ? '' : ', no local node headers found'}; see ${log}`);
}
if (!existsSync(join(root, 'build', 'Release', 'tswatch_inotify.node'))) skip('node-gyp produced no tswatch_inotify.node');
if (process.env.TSWATCH_BUILD_VERBOSE === '1') process.stderr.write(output);
