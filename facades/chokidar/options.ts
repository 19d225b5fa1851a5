import type { Stats } from 'node:fs';

/** chokidar's awaitWriteFinish settings: report a file once its size stayed the same this long. */
export interface AWF {
  stabilityThreshold: number;
  pollInterval: number;
}

/** One `ignored` matcher: an exact path, a RegExp, a function, or `{ path, recursive }`. */
export type Matcher = string | RegExp | ((path: string, stats?: Stats) => boolean) | { path: string; recursive?: boolean };

/** chokidar 5's options, under chokidar's names. */
export interface ChokidarOptions {
  persistent?: boolean;
  ignoreInitial?: boolean;
  followSymlinks?: boolean;
  cwd?: string;
  usePolling?: boolean;
  interval?: number;
  binaryInterval?: number;
  alwaysStat?: boolean;
  depth?: number;
  ignorePermissionErrors?: boolean;
  atomic?: boolean | number;
  ignored?: Matcher | Matcher[];
  awaitWriteFinish?: boolean | Partial<AWF>;
  /** Accepted for compatibility: chokidar 5 never expands globs, and neither does this. */
  disableGlobbing?: boolean;
}

/** The options once defaults and the CHOKIDAR_* environment are applied (`watcher.options`). */
export interface FSWInstanceOptions extends Required<Omit<ChokidarOptions, 'cwd' | 'depth' | 'ignored' | 'awaitWriteFinish' | 'atomic'>> {
  cwd?: string;
  depth?: number;
  ignored: Matcher[];
  awaitWriteFinish: false | AWF;
  atomic: boolean | number;
}

function envFlag(value: string | undefined): boolean | undefined {
  const v = value?.toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  return undefined;
}

/** chokidar's defaults; CHOKIDAR_USEPOLLING and CHOKIDAR_INTERVAL override what the caller gave, as there. */
export function normalizeOptions(given: ChokidarOptions = {}): FSWInstanceOptions {
  const usePolling = envFlag(process.env.CHOKIDAR_USEPOLLING) ?? given.usePolling ?? false;
  const envInterval = Number.parseInt(process.env.CHOKIDAR_INTERVAL ?? '', 10);
  const awf = given.awaitWriteFinish;
  const ignored = given.ignored === undefined ? [] : Array.isArray(given.ignored) ? given.ignored.flat() : [given.ignored];
  return {
    persistent: given.persistent ?? true,
    ignoreInitial: given.ignoreInitial ?? false,
    followSymlinks: given.followSymlinks ?? true,
    cwd: given.cwd,
    usePolling,
    interval: Number.isFinite(envInterval) ? envInterval : (given.interval ?? 100),
    binaryInterval: given.binaryInterval ?? 300,
    alwaysStat: given.alwaysStat ?? false,
    depth: given.depth,
    ignorePermissionErrors: given.ignorePermissionErrors ?? false,
    // Editors' write-temp-then-rename is folded by default when events come from the kernel, as in chokidar.
    atomic: given.atomic ?? !usePolling,
    ignored,
    awaitWriteFinish: awf ? { stabilityThreshold: 2000, pollInterval: 100, ...(typeof awf === 'object' ? awf : {}) } : false,
    disableGlobbing: given.disableGlobbing ?? false,
  };
}
