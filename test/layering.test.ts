/**
 * The dependency direction of DESIGN.md, checked on import specifiers, one folder per floor:
 * native ← src (the core) ← handlers ← recipes ← daemon ← cli ← bin. handlers/, recipes/, daemon/ and
 * facades/ (the other watchers' APIs, beside handlers/; nothing imports them) reach the core only through
 * its public API (src/index), so what they do a user's program can do too. And no import cycle.
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

/** The floors, lowest first: each imports only from itself and the floors below it. */
const FLOORS = ['src', 'handlers', 'recipes', 'daemon', 'cli'];
const PUBLIC_CORE = 'src/index.ts';

function allowed(layer: string, target: string): boolean {
  const to = target.split('/')[0]!;
  if (layer === 'facades') return target === PUBLIC_CORE || to === 'facades';
  if (to === 'facades') return false;
  const floor = FLOORS.indexOf(layer);
  const below = FLOORS.indexOf(to);
  if (below < 0 || below > floor) return false; // a floor above, or outside the floors (bin/, test/)
  // Only the CLI, the top floor, may reach inside the core.
  return below > 0 || floor === 0 || layer === 'cli' || target === PUBLIC_CORE;
}

test('each floor imports only from the floors below it; handlers/, recipes/, daemon/ and facades/ use the core only through src/index', () => {
  const wrong: string[] = [];
  for (const layer of [...FLOORS, 'facades']) {
    for (const file of sources(layer))
      for (const target of imports(file)) if (!allowed(layer, target)) wrong.push(`${file} imports ${target}`);
  }
  assert.deepEqual(wrong, []);
});

test('the layering check sees imports (it would catch a violation)', () => {
  const found = imports('cli/run.ts');
  assert.ok(found.includes('handlers/line-writer.ts'), found.join(', '));
  assert.ok(found.includes('src/index.ts'), found.join(', '));
});

test('the rule refuses imports from a floor above and of the core internals below the CLI', () => {
  assert.equal(allowed('recipes', 'daemon/daemon.ts'), false);
  assert.equal(allowed('src', 'handlers/line-writer.ts'), false);
  assert.equal(allowed('daemon', 'src/watch-manager.ts'), false);
  assert.equal(allowed('facades', 'src/notifier.ts'), false);
  assert.equal(allowed('recipes', 'facades/parcel/index.ts'), false);
  assert.equal(allowed('daemon', 'recipes/backup/index.ts'), true);
  assert.equal(allowed('cli', 'src/watch-manager.ts'), true);
});

/** The import cycles among `files` (each as the files it passes through), by a depth-first walk. */
function cycles(files: string[], importsOf: (file: string) => string[] = imports): string[][] {
  const graph = new Map(files.map((f) => [f, importsOf(f).filter((t) => t !== f)]));
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') found.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next) && graph.has(next)) visit(next);
    }
    path.pop();
    state.set(file, 'done');
  };
  for (const file of files) if (!state.has(file)) visit(file);
  return found;
}

test('no two modules import each other, directly or round a circle (type imports too)', () => {
  const all = [...FLOORS, 'facades'].flatMap(sources);
  assert.deepEqual(
    cycles(all).map((c) => c.join(' -> ')),
    [],
  );
});

test('the cycle check finds a circle, and only once', () => {
  const graph: Record<string, string[]> = { a: ['b'], b: ['c'], c: ['a', 'd'], d: [] };
  assert.deepEqual(
    cycles(Object.keys(graph), (f) => graph[f]!),
    [['a', 'b', 'c', 'a']],
  );
  assert.deepEqual(
    cycles(['d'], (f) => graph[f]!),
    [],
  );
});
