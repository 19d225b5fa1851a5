import { resolve } from 'node:path';
import { loadHandlerModule } from '../handlers/handler-module.js';
import { callHandler, type Handler } from '../src/index.js';
import type { Action, ActionFactory } from './action.js';

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
      const timeout = Number.isFinite(timeoutMs)
        ? new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)))
        : new Promise<boolean>(() => {});
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
export const handlerModuleFactory: ActionFactory = async (options, context) => {
  const path = resolve(context.baseDir, String(options.module));
  return handlerAction(await loadHandlerModule(path, { where: `handler module '${path}'`, options: options.options }));
};
