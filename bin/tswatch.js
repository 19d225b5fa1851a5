#!/usr/bin/env node
'use strict';
// The tswatch command. It runs dist/bundle/tswatch.cjs (the whole CLI in one script, compiled with a
// code cache) when that is built and fresh; otherwise, or with TSWATCH_NO_BUNDLE=1, the compiled
// modules of dist/ themselves. Stale means a checkout (it has the TypeScript sources) whose dist/ a
// `tsc` rewrote after the bundle was built. An installed package ships dist/ and the bundle together,
// and npm gives the extracted files the time of extraction in tar order (dist/bundle before dist/src),
// so there the times say nothing. Only node:fs and node:path are loaded here (and node:zlib for the
// cache's checksum): each module costs start-up.
const { readFileSync, statSync } = require('node:fs');
const { dirname, join } = require('node:path');

const root = join(__dirname, '..');
const bundleFile = join(root, 'dist/bundle/tswatch.cjs');
/** A real `import()` (a CommonJS file has one), for what the bundle loads at run time. */
const importModule = (specifier) => import(specifier);

/** The bundle's text, or undefined when it is missing, stale or turned off. */
function bundleSource() {
  if (process.env.TSWATCH_NO_BUNDLE === '1') return undefined;
  try {
    const checkout = statSync(join(root, 'cli/main.ts'), { throwIfNoEntry: false }) !== undefined;
    if (checkout && statSync(join(root, 'dist/cli/main.js')).mtimeMs > statSync(bundleFile).mtimeMs) return undefined;
    return readFileSync(bundleFile, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Which code cache this run uses: a cache holds the functions its first run compiled, and each
 * command runs other ones (a watch, --help or --version, a subcommand).
 */
function commandKind(subcommands) {
  const args = process.argv.slice(2);
  if (subcommands.includes(args[0])) return args[0];
  const options = args.indexOf('--') === -1 ? args : args.slice(0, args.indexOf('--'));
  if (options.some((a) => a === '-h' || a === '--help')) return 'help'; // reads every command's declarations
  return options.some((a) => a === '-V' || a === '--version') ? 'version' : 'watch';
}

async function start() {
  const source = bundleSource();
  const header = source && /^\/\/tswatch-bundle ([0-9a-f]{16})[0-9a-f]* ?([\w,-]*)\n/.exec(source);
  if (!header) return (await importModule('../dist/cli/main.js')).main();
  const { compileCached } = require('./cached-script.js');
  const compiled = compileCached(source, bundleFile, header[1], commandKind(header[2].split(',')));
  const bundle = { exports: {} };
  // The launcher's own require resolves what the bundle leaves outside (node_modules of this package).
  compiled.script.runInThisContext()(bundle.exports, require, bundle, bundleFile, dirname(bundleFile), importModule);
  if (process.env.TSWATCH_BUNDLE_TRACE === '1')
    process.stderr.write(`tswatch: bundle, code cache ${compiled.accepted ? 'used' : 'not used'}\n`);
  // A watch usually ends by a signal, which runs no exit handler: its cache is saved once it is idle.
  if (!compiled.accepted) {
    process.once('exit', compiled.save);
    setTimeout(compiled.save, 1000).unref();
  }
  await bundle.exports.main();
}

start().catch((err) => {
  // main() says its own errors; this is the launcher failing to load it.
  process.stderr.write(`tswatch: cannot start: ${err instanceof Error ? err.message : err}\n`);
  process.exitCode = 1;
});
