/**
 * `backend: 'watchman'` asks for Facebook's watchman daemon, which tswatch does not replace: where it is
 * installed, the call goes to @parcel/watcher's own watchman backend, so its clocks, its shared crawl and
 * its errors (the server dying) are watchman's. Without watchman, parcel falls back to its default;
 * here that default is tswatch's engine.
 */
import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type ParcelWatcher from '@parcel/watcher';
import type { Options } from './options.js';

/** @parcel/watcher itself, when `opts` asks for watchman and a `watchman` is on PATH; else undefined. */
export function watchmanParcel(opts: Options | undefined): typeof ParcelWatcher | undefined {
  if (opts?.backend !== 'watchman' || !onPath('watchman')) return undefined;
  return createRequire(import.meta.url)('@parcel/watcher') as typeof ParcelWatcher;
}

function onPath(command: string): boolean {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (!dir) continue;
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}
