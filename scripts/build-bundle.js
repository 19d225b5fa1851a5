#!/usr/bin/env node
// `npm run build` (after tsc): write dist/bundle/tswatch.cjs, the compiled CLI as one script that
// bin/tswatch.js compiles with a V8 code cache. Resolving and compiling ~80 small modules at every start
// costs more than the watch itself; one cached script does not. `node scripts/build-bundle.js FILE`
// writes it elsewhere (tests place it in a package copy).
//
// What the file holds: a first line `//tswatch-bundle <sha256> <subcommand,…>` (the key of the code cache
// and the commands that each get a cache of their own), then one
// function expression `(function (exports, require, module, __filename, __dirname, __tswatchImport) {…})`
// that the launcher calls. Every module of dist/ is inside, so each class (TswatchError…) exists once;
// what only a subcommand uses is evaluated only when it is imported. The packages that are large or
// optional stay outside, loaded from node_modules when used.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = resolve(process.argv[2] ?? join(root, 'dist/bundle/tswatch.cjs'));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
/** Bundled: the parser and what a plain watch loads. The rest of the dependencies are loaded at run time. */
const BUNDLED = new Set(['commander', 'picomatch', 'tinyglobby', 'fdir', 'node-gyp-build']);
const external = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies ?? {})].filter((name) => !BUNDLED.has(name));

/**
 * Edits to bundled packages that spare a start-up: `[file ending, text, replacement]`. The build fails
 * when a text is no longer there (a new version of the package), so an edit never silently lapses.
 * - commander requires node:child_process (and with it net, streams, dgram) for executable
 *   subcommands, which tswatch has none of: it is required when first used instead.
 * - node-gyp-build loads node:os for os.arch() and os.platform(), which are process.arch and
 *   process.platform.
 * - fdir loads picomatch from node_modules for a glob function tinyglobby never asks it for: the
 *   bundled copy (the one the rest of tswatch uses) is given instead.
 */
const EDITS = [
  [
    'node_modules/commander/lib/command.js',
    "const childProcess = require('node:child_process');",
    "const childProcess = { get spawn() { return require('node:child_process').spawn; } };",
  ],
  [
    'node_modules/node-gyp-build/node-gyp-build.js',
    "var os = require('os')",
    'var os = { arch: () => process.arch, platform: () => process.platform }',
  ],
  ['node_modules/fdir/dist/index.mjs', '__require.resolve("picomatch");\n\tpm = __require("picomatch");', 'pm = require("picomatch");'],
];

/**
 * node:module's createRequire, as the bundle's own `require` (the launcher's, which resolves this
 * package's node_modules and absolute paths alike, all the modules here ask of it): loading node:module
 * brings the ES module loader and source maps into every start.
 */
const ownRequire = {
  name: 'own-require',
  setup(b) {
    b.onResolve({ filter: /^(node:)?module$/ }, () => ({ path: 'module', namespace: 'own-require' }));
    b.onLoad({ filter: /.*/, namespace: 'own-require' }, () => ({ contents: 'export const createRequire = () => require;', loader: 'js' }));
  },
};

/**
 * The script is not an ES module, so: `import.meta.url` becomes the URL the module has in dist/ (its
 * relative paths to package.json and the addon still hold), and an `import()` left for run time (a
 * package outside, a handler module) goes through the launcher's `__tswatchImport`, which is a real one.
 */
const asScript = {
  name: 'as-script',
  setup(b) {
    b.onLoad({ filter: /\.[cm]?js$/ }, (args) => {
      let contents = readFileSync(args.path, 'utf8');
      const rel = relative(root, args.path);
      for (const [file, text, replacement] of EDITS) {
        if (!rel.endsWith(file)) continue;
        if (!contents.includes(text)) throw new Error(`build-bundle: ${file} no longer holds ${JSON.stringify(text)}: review EDITS`);
        contents = contents.replace(text, replacement);
      }
      const url = rel.startsWith('dist/') ? rel : 'dist/bundle/tswatch.cjs';
      contents = contents.replaceAll('import.meta.url', `__tswatchUrl(${JSON.stringify(url)})`);
      contents = contents.replace(/\bimport\((?!\s*['"]\.)/g, '__tswatchImport(');
      return { contents, loader: 'js' };
    });
  },
};

const result = await build({
  entryPoints: [join(root, 'dist/cli/main.js')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external,
  plugins: [asScript, ownRequire],
  write: false,
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
  banner: {
    js: 'const __tswatchUrl = (rel) => require("node:url").pathToFileURL(require("node:path").join(__dirname, "../..", rel)).href;',
  },
});
// The subcommand names go in the first line: the launcher keeps one code cache per command (each runs other code).
const { SUBCOMMANDS } = await import(pathToFileURL(join(root, 'dist/cli/commands.js')).href);
const body = `(function (exports, require, module, __filename, __dirname, __tswatchImport) {${result.outputFiles[0].text}\n})`;
const hash = createHash('sha256').update(body).digest('hex');
mkdirSync(dirname(outfile), { recursive: true });
writeFileSync(outfile, `//tswatch-bundle ${hash} ${SUBCOMMANDS.map((c) => c.name).join(',')}\n${body}`);
