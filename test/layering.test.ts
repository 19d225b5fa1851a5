/**
 * The dependency direction of DESIGN.md, checked on import specifiers:
 * native ← src core ← handlers ← recipes ← src/cli ← bin. handlers/, recipes/ and facades/ (the other
 * watchers' APIs) reach the core only through its public API (src/index), so what they do a user's
 * program can do too.
 */
import assert from 'node:assert/strict';
import { type Dirent, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function sources(dir: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true });
  } catch {
    return []; // a layer that has no files yet
  }
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

/** Each relative import of `file`, as a path from the repository root (`src/index.ts`). */
function imports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/(?:^|\s)(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/gm)];
  return specs.map((m) => relative(ROOT, resolve(ROOT, dirname(file), m[1] ?? m[2]!)).replace(/\.js$/, '.ts'));
}

/** Where each layer may import from (beside itself). */
const RULES: Array<{ layer: string; allowed: (target: string) => boolean; what: string }> = [
  { layer: 'src', allowed: (t) => t.startsWith('src/') && !t.startsWith('src/cli/'), what: 'the core (src/, not src/cli/)' },
  { layer: 'handlers', allowed: (t) => t === 'src/index.ts' || t.startsWith('handlers/'), what: 'src/index.ts or handlers/' },
  {
    layer: 'recipes',
    allowed: (t) => t === 'src/index.ts' || t.startsWith('handlers/') || t.startsWith('recipes/'),
    what: 'src/index.ts, handlers/ or recipes/',
  },
  // The drop-in APIs of other watchers (tswatch/parcel): on the public API only, like a user's program.
  { layer: 'facades', allowed: (t) => t === 'src/index.ts' || t.startsWith('facades/'), what: 'src/index.ts or facades/' },
];

test('handlers/ and recipes/ use only the public API; the core never imports the CLI, handlers or recipes', () => {
  const wrong: string[] = [];
  for (const { layer, allowed, what } of RULES) {
    for (const file of sources(layer)) {
      if (layer === 'src' && file.startsWith('src/cli/')) continue; // the CLI sits on top of everything
      for (const target of imports(file)) if (!allowed(target)) wrong.push(`${file} imports ${target} (may import only ${what})`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('the layering check sees imports (it would catch a violation)', () => {
  const found = imports('src/cli/run.ts');
  assert.ok(found.includes('handlers/line-writer.ts'), found.join(', '));
  assert.ok(found.includes('src/index.ts'), found.join(', '));
});
