import { TswatchError } from '../../src/index.js';
import type { ActionFactory } from './action.js';

/**
 * Every action a config file can name, `{ recipe: NAME, options: {…} }`, loaded on first use. `exec`,
 * `restart` and `handler` are what the `exec:`, `restart:` and `handler:` keys turn into. A recipe
 * plugs in with one line returning an ActionFactory (handlerAction() wraps a plain ProcessEvent).
 */
export const ACTIONS: Readonly<Record<string, () => Promise<ActionFactory>>> = {
  exec: async () => (await import('./exec-action.js')).execActionFactory,
  restart: async () => (await import('./restart-action.js')).restartActionFactory,
  handler: async () => (await import('./handler-action.js')).handlerModuleFactory,
};

export async function resolveAction(name: string): Promise<ActionFactory> {
  const load = Object.hasOwn(ACTIONS, name) ? ACTIONS[name] : undefined;
  if (load === undefined) {
    throw new TswatchError(`unknown recipe '${name}'`, { code: 'EBADRECIPE', hint: `known recipes: ${Object.keys(ACTIONS).join(', ')}` });
  }
  return load();
}
