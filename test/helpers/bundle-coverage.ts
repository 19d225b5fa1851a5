/**
 * Which of the bundle's modules a process evaluated, read from V8's coverage (NODE_V8_COVERAGE=DIR,
 * written when the process exits). In dist/bundle/tswatch.cjs every module that some `import()` can
 * reach is wrapped in a function named after its path in dist/ (`"dist/src/notifier.js"() {…}`), run
 * once when the module is first imported: a count above 0 means the module was loaded. What the
 * bundle evaluates unconditionally (the parser and the command declarations) has no wrapper and no name.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ScriptCoverage {
  url: string;
  functions: { functionName: string; ranges: { count: number }[] }[];
}

/** `loaded`: the wrapped modules that ran; `wrapped`: every wrapped module (what `loaded` can show at all). */
export function bundleModules(coverageDir: string): { loaded: string[]; wrapped: Set<string> } {
  const loaded = new Set<string>();
  const wrapped = new Set<string>();
  for (const file of readdirSync(coverageDir)) {
    const { result } = JSON.parse(readFileSync(join(coverageDir, file), 'utf8')) as { result: ScriptCoverage[] };
    for (const script of result.filter((s) => s.url.endsWith('/dist/bundle/tswatch.cjs'))) {
      for (const fn of script.functions.filter((f) => /^dist\/.*\.js$/.test(f.functionName))) {
        wrapped.add(fn.functionName);
        if (fn.ranges[0]!.count > 0) loaded.add(fn.functionName);
      }
    }
  }
  return { loaded: [...loaded], wrapped };
}
