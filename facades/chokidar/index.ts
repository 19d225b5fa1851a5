/**
 * `tswatch/chokidar`: chokidar 5's API on tswatch's core. Replace `from 'chokidar'` with
 * `from 'tswatch/chokidar'`; nothing else changes.
 */
import { FSWatcher } from './fs-watcher.js';
import type { ChokidarOptions } from './options.js';

export type { EmitArgs, EventName, FSWatcherEventMap, RawDetails } from './event-map.js';
export { FSWatcher } from './fs-watcher.js';
export type { AWF, ChokidarOptions, FSWInstanceOptions, Matcher } from './options.js';

/** Watch `paths` (files, directories, paths not there yet); events start after `ready`'s scan. */
export function watch(paths: string | readonly string[], options: ChokidarOptions = {}): FSWatcher {
  return new FSWatcher(options).add(paths);
}

export default { watch, FSWatcher };
