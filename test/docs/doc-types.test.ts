/**
 * The TypeScript examples of the README and docs/ type-check against the built package's declarations
 * (tsx, which runs them in docs.test.ts, does not check types), so a documented signature cannot drift.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tmpDir } from '../helpers/tmp-dir.js';
import { docBlocks } from './doc-blocks.js';
import { REPO } from './doc-sandbox.js';

test('every ts block type-checks (strict) against tswatch', { timeout: 60_000 }, async () => {
  const dir = tmpDir('tswatch-doc-types-');
  mkdirSync(join(dir, 'node_modules/@types'), { recursive: true });
  symlinkSync(REPO, join(dir, 'node_modules/tswatch'));
  symlinkSync(join(REPO, 'node_modules/@types/node'), join(dir, 'node_modules/@types/node'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  const files: string[] = [];
  const where = new Map<string, string>();
  for (const page of [
    'README.md',
    ...readdirSync(join(REPO, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ]) {
    for (const block of docBlocks(readFileSync(join(REPO, page), 'utf8'), page)) {
      if (block.lang !== 'ts' || block.kind === 'skip') continue;
      const file = `${page.replace(/\W/g, '_')}_${block.line}.ts`;
      writeFileSync(join(dir, file), block.code);
      files.push(file);
      where.set(file, `${page}:${block.line}`);
    }
  }
  assert.ok(files.length > 0, 'the docs have TypeScript examples');
  const compilerOptions = {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noImplicitOverride: true,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files }));
  const tsc = join(REPO, 'node_modules/typescript/bin/tsc');
  const output = await new Promise<string>((resolve) =>
    execFile(process.execPath, [tsc, '-p', dir], { cwd: dir }, (_err, stdout) => resolve(stdout)),
  );
  const named = output.replace(
    /^(\S+\.ts)\((\d+),(\d+)\)/gm,
    (_all, file: string, line: string) => `${where.get(file) ?? file} (block line ${line})`,
  );
  assert.equal(named, '', `type errors in the documented TypeScript:\n${named}`);
});
