// Compile the C helpers (load generator, inotify floor) with `cc` into bench/.build, and tswatch's dist/ and bundle.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH = dirname(fileURLToPath(import.meta.url));
export const ROOT = dirname(BENCH);
export const BUILD = join(BENCH, '.build');

function cc(src, out) {
  execFileSync('cc', ['-O2', '-Wall', '-o', out, join(BENCH, src)], { stdio: ['ignore', 'ignore', 'pipe'] });
  return out;
}

/** Paths of the compiled helpers; throws (with cc's message) when cc is missing or fails. */
export function buildHelpers() {
  mkdirSync(BUILD, { recursive: true });
  return { gen: cc('tools/gen.c', join(BUILD, 'gen')), floor: cc('adapters/floor.c', join(BUILD, 'floor')) };
}

/** Run `script args…` with this node in the checkout; an error summary, or undefined. */
function step(name, script, args) {
  try {
    execFileSync(process.execPath, [join(ROOT, script), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    return undefined;
  } catch (e) {
    const out = `${e.stdout ?? ''}${e.stderr ?? ''}`.trim().split('\n');
    return `${name} failed (${out.length} lines), first: ${out[0] ?? e.message}`;
  }
}

/**
 * `tsc -p tsconfig.json`, then the bundle bin/tswatch.js runs (without it, or older than dist/, the
 * CLI would run dist/'s modules: not what users run). An error summary or undefined. tsc still emits
 * on type errors, so the bundle is built even then.
 */
export function buildTswatch() {
  const tsc = step('tsc', 'node_modules/typescript/bin/tsc', ['-p', join(ROOT, 'tsconfig.json')]);
  const bundle = step('bundle', 'scripts/build-bundle.js', []);
  return tsc === undefined && bundle === undefined ? undefined : [tsc, bundle].filter(Boolean).join('; ');
}
