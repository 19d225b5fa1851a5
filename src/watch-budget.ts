import { readdirSync, readFileSync, statSync } from 'node:fs';
import { joinPath } from './watch-manager.js';
import { readProcLimit, sysctlHint, WatchLimitError } from './errors.js';
import type { PathFilter } from './exclude-filter.js';

export interface WatchBudget {
  /** Watches the paths need: one per path, plus one per directory below with `recursive`. */
  needed: number;
  /** The per-user limit in force (max_user_watches), when readable. */
  limit: number | undefined;
  /** Watches this user's processes hold now, as far as /proc shows them (all of them for root). */
  inUse: number;
}

/**
 * Count what watching `paths` will take, before arming anything: one watch per path and, with
 * `recursive`, per directory below that `skipDir` does not exclude (symlinks are not followed, as the
 * watch manager does not follow them). Unreadable directories are counted but not entered.
 */
export function countWatches(paths: readonly string[], recursive: boolean, skipDir?: PathFilter): number {
  let count = 0;
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    } catch {
      return;
    }
    for (const name of names) {
      const path = joinPath(dir, name);
      if (skipDir?.(path)) continue;
      count++;
      walk(path);
    }
  };
  for (const path of paths) {
    count++;
    if (recursive && isDirectory(path)) walk(path);
  }
  return count;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Inotify watches held by this user's processes: the "inotify wd:" lines of /proc/PID/fdinfo/FD. */
export function watchesInUse(uid = process.getuid?.() ?? 0): number {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return 0;
  }
  let count = 0;
  for (const pid of pids) {
    try {
      if (statSync(`/proc/${pid}`).uid === uid) count += watchesOfProcess(Number(pid));
    } catch {
      // gone meanwhile
    }
  }
  return count;
}

/** Inotify watches one process holds (0 when it is gone or not ours to read). */
export function watchesOfProcess(pid: number): number {
  let count = 0;
  try {
    for (const fd of readdirSync(`/proc/${pid}/fdinfo`)) {
      const text = readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'latin1');
      for (let at = text.indexOf('inotify wd:'); at !== -1; at = text.indexOf('inotify wd:', at + 1)) count++;
    }
  } catch {
    // gone meanwhile, or not ours to read
  }
  return count;
}

/** The budget for watching `paths`. */
export function watchBudget(paths: readonly string[], recursive: boolean, skipDir?: PathFilter): WatchBudget {
  return { needed: countWatches(paths, recursive, skipDir), limit: readProcLimit('max_user_watches'), inUse: watchesInUse() };
}

/** Throw a WatchLimitError, with the sysctl that fixes it, when the budget does not fit. */
export function checkWatchBudget(budget: WatchBudget): void {
  if (budget.limit === undefined || budget.needed <= budget.limit - budget.inUse) return;
  const free = Math.max(0, budget.limit - budget.inUse);
  throw new WatchLimitError(
    `inotify watch limit too low (not a full disk): watching needs ${budget.needed} watches, only ${free} of ${budget.limit} are free (${budget.inUse} in use by this user); nothing was watched`,
    { code: 'ENOSPC', hint: sysctlHint('max_user_watches', budget.limit, budget.inUse + budget.needed) },
  );
}
