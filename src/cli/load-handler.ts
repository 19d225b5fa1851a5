import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { watchdogHandler } from '../../handlers/watchdog-adapter.js';
import { type Handler, ProcessEvent, TswatchError } from '../index.js';

const EXPECTED =
  'a module exporting (default, or as `handler`) a ProcessEvent subclass, a ProcessEvent instance, or an object of process_IN_* / on_* functions';

function badHandler(file: string, what: string, cause?: unknown): TswatchError {
  return new TswatchError(`--handler: '${file}' ${what}`, { code: 'EBADHANDLER', path: file, cause, hint: `expected ${EXPECTED}` });
}

/** Import a .js/.mjs/.cjs module, or a .ts/.mts/.cts one through tsx (loaded only then). */
async function importModule(file: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(file).href;
  if (!/\.[mc]?ts$/.test(file)) return (await import(url)) as Record<string, unknown>;
  let tsx: { tsImport: (specifier: string, parent: string) => Promise<unknown> };
  try {
    tsx = (await import('tsx/esm/api')) as typeof tsx;
  } catch (err) {
    throw new TswatchError(`--handler: '${file}' is TypeScript, and loading it needs the tsx package`, {
      code: 'ENOPACKAGE',
      path: file,
      cause: err,
      hint: 'install it next to tswatch (`npm install tsx`), or compile the handler to .js with tsc',
    });
  }
  return (await tsx.tsImport(url, import.meta.url)) as Record<string, unknown>;
}

const isHookName = (key: string): boolean => /^(process_|on_)/.test(key);
const hasHooks = (value: object): boolean => {
  for (let o: object | null = value; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    if (Object.getOwnPropertyNames(o).some((key) => isHookName(key) && typeof (value as Record<string, unknown>)[key] === 'function')) return true;
  }
  return false;
};

/** Turn what a handler module exports into a Handler the notifier runs. */
export function toHandler(file: string, exported: unknown): Handler {
  if (typeof exported === 'function' && exported.prototype !== undefined && hasHooks(exported.prototype as object)) {
    const instance = new (exported as new () => object)();
    if (typeof (instance as ProcessEvent).call === 'function') return instance as ProcessEvent;
    return toHandler(file, instance);
  }
  if (exported !== null && typeof exported === 'object') {
    const hooks = exported as Record<string, unknown>;
    if (typeof hooks.call === 'function' && hasHooks(hooks)) return exported as ProcessEvent;
    const keys = Object.keys(hooks).filter((key) => isHookName(key) && typeof hooks[key] === 'function');
    if (keys.some((key) => key.startsWith('on_'))) {
      if (keys.some((key) => key.startsWith('process_'))) throw badHandler(file, 'mixes process_* and on_* functions');
      return watchdogHandler(hooks, (err) => process.stderr.write(`tswatch: ${file}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`));
    }
    if (keys.length > 0) return Object.assign(new ProcessEvent(), Object.fromEntries(keys.map((key) => [key, hooks[key]])));
  }
  throw badHandler(file, `exports ${describe(exported)}, not a handler`);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing usable';
  if (typeof value === 'function') return `a function '${value.name || 'anonymous'}' with no process_IN_* or on_* methods`;
  if (value !== null && typeof value === 'object') return `an object without process_IN_* or on_* functions (keys: ${Object.keys(value).join(', ') || 'none'})`;
  return `a ${typeof value}`;
}

/** Load `--handler FILE`: resolved from the current directory. */
export async function loadHandler(file: string): Promise<Handler> {
  const path = resolve(file);
  if (!existsSync(path)) throw badHandler(file, 'does not exist');
  let mod: Record<string, unknown>;
  try {
    mod = await importModule(path);
  } catch (err) {
    if (err instanceof TswatchError) throw err;
    throw badHandler(file, `failed to load: ${(err as Error).message}`, err);
  }
  const exported = mod.default ?? mod.handler ?? mod;
  return toHandler(file, exported);
}
