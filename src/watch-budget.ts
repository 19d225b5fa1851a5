import { readdirSync, statSync } from 'node:fs';
import { joinPath } from './join-path.js';
import { readProcLimit, sysctlHint, WatchLimitError } from './errors.js';
import type { PathFilter } from './exclude-filter.js';
import { inotifyUsage } from './inotify-usage.js';

export interface WatchCount {
  /** One per path, plus one per directory below with `recursive`. */
  watches: number;
  /** Counting stopped past the cap: the real need is larger. */
  capped: boolean;
  /** Directories that could not be listed: counted, but what is below them is not. */
  unreadable: number;
}

export interface WatchBudget {
  /** Watches the paths need. */
  needed: number;
  /** The per-user limit in force (max_user_watches), when readable. */
  limit: number | undefined;
  /** Watches this user's processes hold now, as far as /proc shows them (all of them for root). */
  inUse: number;
}

/**
 * Count what watching `paths` will take, before arming anything: one watch per path and, with
 * `recursive`, per directory below that `skipDir` does not exclude (symlinks are not followed, as the
 * watch manager does not follow them). Stops past `cap`, so a watch of / says quickly it needs too many.
 */
export function countWatches(paths: readonly string[], recursive: boolean, skipDir?: PathFilter, cap = Infinity): WatchCount {
  const count: WatchCount = { watches: 0, capped: false, unreadable: 0 };
  const pending: string[] = [];
  for (const path of paths) {
    count.watches++;
    if (recursive && isDirectory(path)) pending.push(path);
  }
  while (pending.length > 0 && !count.capped) {
    const dir = pending.pop()!;
    let names: string[];
    try {
      names = readdirSync(dir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name);
    } catch {
      count.unreadable++;
      continue;
    }
    for (const name of names) {
      const path = joinPath(dir, name);
      if (skipDir?.(path)) continue;
      count.capped = ++count.watches > cap;
      if (count.capped) break;
      pending.push(path);
    }
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

/** The budget for watching `paths`. */
export function watchBudget(paths: readonly string[], recursive: boolean, skipDir?: PathFilter): WatchBudget {
  // Counted to the end, uncapped: the error must say what the tree really needs, and the sysctl fit it.
  return {
    needed: countWatches(paths, recursive, skipDir).watches,
    limit: readProcLimit('max_user_watches'),
    inUse: inotifyUsage().watches,
  };
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
