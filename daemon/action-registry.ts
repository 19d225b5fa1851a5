import type { z } from 'zod';
import { TswatchError } from '../src/index.js';
import type { ActionFactory } from './action.js';
import { alertOptionsSchema, backupOptionsSchema } from './recipe-schemas.js';

export interface RecipeEntry {
  load: () => Promise<ActionFactory>;
  /** Checks (and normalizes) `options:` when the config file is loaded: mistakes get FILE:LINE:COL. */
  options?: z.ZodType<Record<string, unknown>>;
  /** The recipe watches what its options name: the watch entry has no `paths`, events or filters. */
  watchesItself?: boolean;
}

/**
 * Every action a config file can name, `{ recipe: NAME, options: {…} }`, loaded on first use. `exec`,
 * `restart` and `handler` are what the `exec:`, `restart:` and `handler:` keys turn into. A recipe
 * plugs in with one entry returning an ActionFactory (handlerAction() wraps a plain ProcessEvent).
 */
export const ACTIONS: Readonly<Record<string, RecipeEntry>> = {
  exec: { load: async () => (await import('./exec-action.js')).execActionFactory },
  restart: { load: async () => (await import('./restart-action.js')).restartActionFactory },
  handler: { load: async () => (await import('./handler-action.js')).handlerModuleFactory },
  backup: {
    load: async () => (await import('./recipe-actions.js')).backupActionFactory,
    options: backupOptionsSchema,
    watchesItself: true,
  },
  alert: { load: async () => (await import('./recipe-actions.js')).alertActionFactory, options: alertOptionsSchema, watchesItself: true },
};

/** The action of a watch that has none in the config file: its events only go to the sinks. */
export const PUBLISH_ONLY = 'publish';

const publishOnly: ActionFactory = () => ({
  handler() {},
  drain: async () => true,
  close: async () => {},
  status: () => ({ running: [] }),
});

export function recipeEntry(name: string): RecipeEntry | undefined {
  return Object.hasOwn(ACTIONS, name) ? ACTIONS[name] : undefined;
}

export async function resolveAction(name: string): Promise<ActionFactory> {
  if (name === PUBLISH_ONLY) return publishOnly;
  const entry = recipeEntry(name);
  if (entry === undefined) {
    throw new TswatchError(`unknown recipe '${name}'`, { code: 'EBADRECIPE', hint: `known recipes: ${Object.keys(ACTIONS).join(', ')}` });
  }
  return entry.load();
}
