import { type Dirent, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** How many inotify watches a recursive watch of a path takes: one per directory. */
export interface WatchBudget {
  watches: number;
  /** Counting stopped at the cap: the real need is larger. */
  capped: boolean;
  /** Directories that could not be listed (their subtrees are not counted). */
  unreadable: number;
}

/**
 * Count the directories a recursive watch of `path` would watch, as WatchManager recurses (symlinks
 * not followed). Stops past `cap`, so a watch of / answers quickly that it needs too many.
 */
export function watchBudget(path: string, cap = Number.MAX_SAFE_INTEGER): WatchBudget {
  const budget: WatchBudget = { watches: 1, capped: false, unreadable: 0 };
  if (!statSync(path).isDirectory()) return budget;
  const pending = [path];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      budget.unreadable++;
      continue;
    }
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      if (++budget.watches > cap) return { ...budget, capped: true };
      pending.push(join(dir, entry.name));
    }
  }
  return budget;
}
