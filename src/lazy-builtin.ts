import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A Node built-in module loaded on first use, for what only some commands need: node:child_process
 * alone (it brings net, streams and dgram) is a tenth of a plain watch's start-up.
 */
export function lazyBuiltin<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(name) as T);
}
