#!/usr/bin/env node
// `npm run build`: write man/tswatch.1 from the compiled CLI's command tree (the same declarations
// --help prints). package.json "man" installs it with the package.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { buildProgram } = await import('../dist/cli/program.js');
const { manPage } = await import('../dist/cli/man-page.js');
const { packageVersion } = await import('../dist/cli/package-version.js');

mkdirSync(join(root, 'man'), { recursive: true });
writeFileSync(join(root, 'man', 'tswatch.1'), manPage(await buildProgram(), packageVersion()));
