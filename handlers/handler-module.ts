import { existsSync, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { type Handler, ProcessEvent, TswatchError } from '../src/index.js';
import { watchdogHandler } from './watchdog-adapter.js';

const EXPECTED =
  'a module exporting (default, or as `handler`) a ProcessEvent subclass, a ProcessEvent instance, an object of process_IN_* / on_* functions, or a function (event) => …';

export interface HandlerModuleOptions {
  /** How errors name the module: `--handler: 'h.js'`, `handler module '/etc/h.js'`. */
  where: string;
  /** Handed to a ProcessEvent subclass's constructor. */
  options?: unknown;
}

function badHandler(path: string, where: string, what: string, cause?: unknown): TswatchError {
  return new TswatchError(`${where} ${what}`, { code: 'EBADHANDLER', path, cause, hint: `expected ${EXPECTED}` });
}

/**
 * Import a .js/.mjs/.cjs module, or a .ts/.mts/.cts one through tsx (loaded only then). The modification
 * time in the URL: importing the module again after an edit (a config reload) gets the new code.
 */
async function importModule(path: string, where: string): Promise<Record<string, unknown>> {
  const url = `${pathToFileURL(path).href}?mtime=${statSync(path).mtimeMs}`;
  if (!/\.[mc]?ts$/.test(path)) return (await import(url)) as Record<string, unknown>;
  let tsx: { tsImport: (specifier: string, parent: string) => Promise<unknown> };
  try {
    tsx = (await import('tsx/esm/api')) as typeof tsx;
  } catch (err) {
    throw new TswatchError(`${where} is TypeScript, and loading it needs the tsx package`, {
      code: 'ENOPACKAGE',
      path,
      cause: err,
      hint: 'install it next to tswatch (`npm install tsx`), or compile the handler to .js with tsc',
    });
  }
  return (await tsx.tsImport(url, import.meta.url)) as Record<string, unknown>;
}

const isHookName = (key: string): boolean => /^(process_|on_)/.test(key);
const hasHooks = (value: object): boolean => {
  for (let o: object | null = value; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    if (Object.getOwnPropertyNames(o).some((key) => isHookName(key) && typeof (value as Record<string, unknown>)[key] === 'function'))
      return true;
  }
  return false;
};
const isClass = (value: unknown): boolean => typeof value === 'function' && /^class\b/.test(Function.prototype.toString.call(value));

/** Turn what a handler module exports into a Handler the notifier runs. */
export function toHandler(exported: unknown, { where, options }: HandlerModuleOptions, path = where): Handler {
  if (typeof exported === 'function' && exported.prototype !== undefined && hasHooks(exported.prototype as object)) {
    const instance = new (exported as new (options?: unknown) => object)(options);
    if (typeof (instance as ProcessEvent).call === 'function') return instance as ProcessEvent;
    return toHandler(instance, { where }, path);
  }
  // A plain function is a handler, as pyinotify's proc_fun may be any callable; a class is not.
  if (typeof exported === 'function' && !isClass(exported)) return exported as Handler;
  if (exported !== null && typeof exported === 'object') {
    const hooks = exported as Record<string, unknown>;
    if (typeof hooks.call === 'function' && hasHooks(hooks)) return exported as ProcessEvent;
    const keys = Object.keys(hooks).filter((key) => isHookName(key) && typeof hooks[key] === 'function');
    if (keys.some((key) => key.startsWith('on_'))) {
      if (keys.some((key) => key.startsWith('process_'))) throw badHandler(path, where, 'mixes process_* and on_* functions');
      return watchdogHandler(hooks, (err) =>
        process.stderr.write(`tswatch: ${path}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`),
      );
    }
    if (keys.length > 0) return Object.assign(new ProcessEvent(), Object.fromEntries(keys.map((key) => [key, hooks[key]])));
  }
  throw badHandler(path, where, `exports ${describe(exported)}, not a handler`);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing usable';
  if (typeof value === 'function') return `a class '${value.name || 'anonymous'}' with no process_IN_* or on_* methods`;
  if (value !== null && typeof value === 'object')
    return `an object without process_IN_* or on_* functions (keys: ${Object.keys(value).join(', ') || 'none'})`;
  return `a ${typeof value}`;
}

/** Import the handler module at the absolute `path` and build its handler (`--handler`, a config's `handler:`). */
export async function loadHandlerModule(path: string, how: HandlerModuleOptions): Promise<Handler> {
  if (!existsSync(path)) throw badHandler(path, how.where, 'does not exist');
  let mod: Record<string, unknown>;
  try {
    mod = await importModule(path, how.where);
  } catch (err) {
    if (err instanceof TswatchError) throw err;
    throw badHandler(path, how.where, `failed to load: ${(err as Error).message}`, err);
  }
  return toHandler(mod.default ?? mod.handler ?? mod, how, path);
}
