/**
 * `node --import module-log.js …` with TSWATCH_MODULE_LOG=FILE: every module the process loads, ESM
 * (loader hooks) and CommonJS (require), is appended to FILE as it loads, so a test can say which
 * modules a command pulled in even when it is killed.
 */
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';
import { pathToFileURL } from 'node:url';

const log = process.env.TSWATCH_MODULE_LOG;
if (log !== undefined) {
  register(new URL('./module-log-hooks.js', import.meta.url), { data: { log } });
  type Loader = (request: string, parent: unknown, isMain: boolean) => unknown;
  const cjs = Module as unknown as {
    _load: Loader;
    _resolveFilename: (request: string, parent: unknown, isMain: boolean) => string;
    builtinModules: string[];
  };
  const load = cjs._load;
  cjs._load = function (request, parent, isMain) {
    if (!Module.isBuiltin(request)) {
      try {
        appendFileSync(log, `${pathToFileURL(cjs._resolveFilename(request, parent, isMain)).href}\n`);
      } catch {
        // unresolvable: require() itself will say so
      }
    }
    return load.call(this, request, parent, isMain);
  };
}

/** The path to give `node --import`. */
export const MODULE_LOG = new URL('./module-log.js', import.meta.url).pathname;
