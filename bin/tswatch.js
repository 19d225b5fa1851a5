#!/usr/bin/env node
'use strict';
// The tswatch command. It runs dist/bundle/tswatch.cjs (the whole CLI in one script, compiled with a
// code cache) when that is built and fresh; otherwise, or with TSWATCH_NO_BUNDLE=1, the compiled
// modules of dist/ themselves. Stale means a checkout (it has the TypeScript sources) whose dist/ a
// `tsc` rewrote after the bundle was built. An installed package ships dist/ and the bundle together,
// and npm gives the extracted files the time of extraction in tar order (dist/bundle before dist/src),
// so there the times say nothing.
const { readFileSync, statSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');

const root = join(__dirname, '..');
const bundleFile = join(root, 'dist/bundle/tswatch.cjs');
/** A real `import()` (a CommonJS file has one), for what the bundle loads at run time. */
const importModule = (specifier) => import(specifier);

/** The bundle's text, or undefined when it is missing, stale or turned off. */
function bundleSource() {
  if (process.env.TSWATCH_NO_BUNDLE === '1') return undefined;
  try {
    const checkout = statSync(join(root, 'src/cli/main.ts'), { throwIfNoEntry: false }) !== undefined;
    if (checkout && statSync(join(root, 'dist/src/cli/main.js')).mtimeMs > statSync(bundleFile).mtimeMs) return undefined;
    return readFileSync(bundleFile, 'utf8');
  } catch {
    return undefined;
  }
}

async function start() {
  const source = bundleSource();
  const key = source && /^\/\/tswatch-bundle ([0-9a-f]{16})/.exec(source);
  if (!key) return (await importModule('../dist/src/cli/main.js')).main();
  const { compileCached } = require('./cached-script.js');
  const compiled = compileCached(source, bundleFile, key[1]);
  const bundle = { exports: {} };
  compiled.script.runInThisContext()(bundle.exports, createRequire(bundleFile), bundle, bundleFile, dirname(bundleFile), importModule);
  if (process.env.TSWATCH_BUNDLE_TRACE === '1') process.stderr.write(`tswatch: bundle, code cache ${compiled.accepted ? 'used' : 'not used'}\n`);
  await bundle.exports.main();
  compiled.save();
}

start();
