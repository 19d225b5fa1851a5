import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { callHandler, type Event, type Handler, ProcessEvent, TswatchError } from '../../src/index.js';
import type { Action, ActionFactory } from './action.js';

const SHAPES =
  'export default (or export `handler`) a ProcessEvent subclass, a ProcessEvent instance, an object of process_IN_* functions, or a function (event) => …';

type Constructor = new (options?: unknown) => ProcessEvent;

/** Turn what a module exports into a Handler; `options` go to a class's constructor. */
export function toHandler(value: unknown, options: unknown, where: string): Handler {
  if (typeof value === 'function') {
    // A class with a `call` method (ProcessEvent or look-alike, even from another copy of tswatch).
    const proto = (value as { prototype?: { call?: unknown } }).prototype;
    if (proto !== undefined && typeof proto.call === 'function' && /^class\b/.test(Function.prototype.toString.call(value))) {
      return new (value as Constructor)(options);
    }
    return value as (event: Event) => unknown;
  }
  if (value !== null && typeof value === 'object') {
    if (typeof (value as ProcessEvent).call === 'function') return value as ProcessEvent;
    const hooks = Object.entries(value).filter(([key, fn]) => key.startsWith('process_') && typeof fn === 'function');
    if (hooks.length > 0) return Object.assign(new ProcessEvent(), Object.fromEntries(hooks));
  }
  throw new TswatchError(`${where} exports no handler`, { code: 'EBADHANDLER', hint: SHAPES });
}

/** Import a handler module (relative to `baseDir`) and build its handler. */
export async function loadHandlerModule(file: string, baseDir: string, options?: unknown): Promise<Handler> {
  const path = resolve(baseDir, file);
  let mod: Record<string, unknown>;
  try {
    // The modification time in the URL: a reload after the module was edited imports the new code.
    mod = (await import(`${pathToFileURL(path).href}?mtime=${statSync(path).mtimeMs}`)) as Record<string, unknown>;
  } catch (err) {
    throw new TswatchError(`cannot load handler module '${path}': ${(err as Error).message}`, {
      code: 'EBADHANDLER',
      path,
      cause: err,
      hint: 'give the path of an ES module (.js/.mjs) relative to the config file',
    });
  }
  return toHandler(mod.default ?? mod.handler, options, `handler module '${path}'`);
}

/** An action around a plain handler (a handler module, a recipe's ProcessEvent): drain waits for its promises. */
export function handlerAction(handler: Handler, close: () => unknown = () => {}): Action {
  const pending = new Set<Promise<unknown>>();
  return {
    handler(event) {
      const result = callHandler(handler, event);
      if (result instanceof Promise) {
        pending.add(result);
        void result.finally(() => pending.delete(result)).catch(() => {});
      }
      return result;
    },
    async drain(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
      const done = await Promise.race([Promise.allSettled([...pending]).then(() => true), timeout]);
      clearTimeout(timer);
      return done;
    },
    async close() {
      await close();
    },
    status: () => ({ running: [], pending: pending.size }),
  };
}

/** `{ handler: FILE, options: {…} }` in a config file. */
export const handlerModuleFactory: ActionFactory = async (options, context) =>
  handlerAction(await loadHandlerModule(String(options.module), context.baseDir, options.options));
