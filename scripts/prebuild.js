#!/usr/bin/env node
// `npm pack` / `npm publish` (prepack): build the native addon with prebuildify into prebuilds/<platform>-<arch>/,
// so installing the package needs no compiler and no install script on this platform. One N-API 8 build
// serves every Node >= 20. The build runs in a scratch copy so the checkout's build/ (what running tests
// load) is never torn down mid-pack. Fails the pack rather than publish without the addon.
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findNodeGyp, findNodedir, nodeGypEnv } from './node-gyp-env.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const prebuildify = require('prebuildify');

const fail = (message) => {
  console.error(`tswatch prebuild: ${message}`);
  process.exit(1);
};

const gyp = findNodeGyp();
if (!gyp) fail("node-gyp not found (neither npm_config_node_gyp, npm's bundled copy, nor node-gyp on PATH)");
const nodedir = findNodedir();

const scratch = mkdtempSync(join(tmpdir(), 'tswatch-prebuild-'));
try {
  for (const entry of ['binding.gyp', 'package.json', 'native']) cpSync(join(root, entry), join(scratch, entry), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(scratch, 'node_modules')); // node-addon-api's headers
  rmSync(join(root, 'prebuilds'), { recursive: true, force: true });
  // prebuildify spawns node-gyp with its own argv and passes process.env down: the offline headers go there.
  Object.assign(process.env, nodeGypEnv(nodedir));
  await new Promise((done, reject) =>
    prebuildify(
      {
        cwd: scratch,
        out: root,
        napi: true,
        // Headers of the running node. With napi, prebuildify names the file without an abi tag
        // (tswatch.glibc.node), which node-gyp-build loads on any Node ABI.
        targets: [process.versions.node],
        tagLibc: true, // musl must not pick up a glibc build
        strip: true,
        nodeGyp: gyp,
        quiet: process.env.TSWATCH_BUILD_VERBOSE !== '1',
      },
      (err) => (err ? reject(err) : done()),
    ),
  );
} catch (err) {
  fail(`${err.message}${nodedir ? '' : ' (no local node headers found)'}; rerun with TSWATCH_BUILD_VERBOSE=1 for node-gyp's output`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

// Check what will ship: it loads, and it is this package's version.
const dir = join(root, 'prebuilds', `${process.platform}-${process.arch}`);
const built = readdirSync(dir).map((name) => join(dir, name));
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
for (const file of built) {
  const addon = require(file);
  if (addon.version !== version) fail(`${file} says version ${addon.version}, package.json says ${version}`);
}
console.error(`tswatch prebuild: ${built.map((f) => f.slice(root.length + 1)).join(', ')}`);
