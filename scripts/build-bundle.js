#!/usr/bin/env node
// `npm run build` (after tsc): write dist/bundle/tswatch.cjs, the compiled CLI as one script that
// bin/tswatch.js compiles with a V8 code cache. Resolving and compiling ~80 small modules at every start
// costs more than the watch itself; one cached script does not. `node scripts/build-bundle.js FILE`
// writes it elsewhere (tests place it in a package copy).
//
// What the file holds: a first line `//tswatch-bundle <sha256>` (the key of the code cache), then one
// function expression `(function (exports, require, module, __filename, __dirname, __tswatchImport) {…})`
// that the launcher calls. Every module of dist/ is inside, so each class (TswatchError…) exists once;
// what only a subcommand uses is evaluated only when it is imported. The packages that are large or
// optional stay outside, loaded from node_modules when used.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = resolve(process.argv[2] ?? join(root, 'dist/bundle/tswatch.cjs'));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
/** Bundled: the parser and what a plain watch loads. The rest of the dependencies are loaded at run time. */
const BUNDLED = new Set(['commander', 'picomatch', 'tinyglobby', 'fdir', 'node-gyp-build']);
const external = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies ?? {})].filter((name) => !BUNDLED.has(name));

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
      const url = rel.startsWith('dist/') ? rel : 'dist/bundle/tswatch.cjs';
      contents = contents.replaceAll('import.meta.url', `__tswatchUrl(${JSON.stringify(url)})`);
      contents = contents.replace(/\bimport\((?!\s*['"]\.)/g, '__tswatchImport(');
      return { contents, loader: 'js' };
    });
  },
};

const result = await build({
  entryPoints: [join(root, 'dist/src/cli/main.js')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external,
  plugins: [asScript],
  write: false,
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
  banner: { js: 'const __tswatchUrl = (rel) => require("node:url").pathToFileURL(require("node:path").join(__dirname, "../..", rel)).href;' },
});
const body = `(function (exports, require, module, __filename, __dirname, __tswatchImport) {${result.outputFiles[0].text}\n})`;
const hash = createHash('sha256').update(body).digest('hex');
mkdirSync(dirname(outfile), { recursive: true });
writeFileSync(outfile, `//tswatch-bundle ${hash}\n${body}`);
