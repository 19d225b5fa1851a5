import { CLI_EVENTS, type Event, IN_IGNORED, watchedName } from '../src/index.js';

import { STATS_COLUMNS, STATS_SORT_KEYS } from './stats-sort-keys.js';

export { STATS_SORT_KEYS };

const COLUMNS = STATS_COLUMNS.map((name) => [name, CLI_EVENTS[name]!] as const);

interface Row {
  path: string;
  counts: Map<string, number>;
  total: number;
}

export interface StatsTableOptions {
  /** Sort by this column ('total' or an event name); default total. */
  sortBy?: string;
  ascending?: boolean;
  /** Keep rows and columns that are all zeros (-z): the columns of the events listened for (`mask`). */
  zeros?: boolean;
  mask?: number;
  /** Tie order for rows, by watch descriptor (lower first); rows it does not know come after, by wd. */
  rank?: (wd: number) => number | undefined;
}

/**
 * inotifywatch's table: per watched path (one row per watch, under its current name), the total and a
 * count per event. Rows and columns of zeros are left out unless `zeros`.
 */
export class StatsTable {
  private readonly rows = new Map<number, Row>();

  /** Count one event on its watch. */
  add(event: Event): void {
    // The row is the watch's: an event on an entry inside counts for its directory.
    const path = watchedName({ name: '', path: event.path, dir: event.name !== '' || event.dir });
    const row = this.row(event.wd, path);
    // The watch may have been renamed since its row was made. Its end (IN_IGNORED, counted in the total
    // as inotifywatch does) no longer says whether it was a directory: the row keeps its name.
    if (!(event.mask & IN_IGNORED)) row.path = path;
    row.total++;
    for (const [name, bit] of COLUMNS) if (event.mask & bit) row.counts.set(name, (row.counts.get(name) ?? 0) + 1);
  }

  /** Make sure every current watch has a row (for -z) and carries its current name. */
  sync(watches: Iterable<{ wd: number; path: string; entries?: unknown }>): void {
    for (const watch of watches) {
      const path = watch.entries !== undefined && !watch.path.endsWith('/') ? `${watch.path}/` : watch.path;
      this.row(watch.wd, path).path = path;
    }
  }

  get total(): number {
    let total = 0;
    for (const row of this.rows.values()) total += row.total;
    return total;
  }

  render(options: StatsTableOptions = {}): string {
    const key = options.sortBy ?? 'total';
    const value = (row: Row): number => (key === 'total' ? row.total : (row.counts.get(key) ?? 0));
    const rank = (wd: number): number => options.rank?.(wd) ?? Number.MAX_SAFE_INTEGER / 2 + wd;
    const rows = [...this.rows.entries()]
      .filter(([, row]) => options.zeros || row.total > 0)
      .sort(([wdA, a], [wdB, b]) => (options.ascending ? value(a) - value(b) : value(b) - value(a)) || rank(wdA) - rank(wdB))
      .map(([, row]) => row);
    // A column for each event listened for (an unmount, which comes unasked, only counts in the total).
    const listened = (bit: number): boolean => ((options.mask ?? ~0) & bit) !== 0;
    const columns = COLUMNS.filter(
      ([name, bit]) => listened(bit) && (options.zeros === true || rows.some((row) => row.counts.has(name))),
    ).map(([name]) => name);
    const header = ['total', ...columns];
    const cells = rows.map((row) => [String(row.total), ...columns.map((name) => String(row.counts.get(name) ?? 0))]);
    const widths = header.map((title, i) => Math.max(title.length, ...cells.map((line) => line[i]!.length)) + 2);
    const line = (values: string[], last: string): string => values.map((v, i) => v.padEnd(widths[i]!)).join('') + last;
    return `${[line(header, 'filename'), ...cells.map((values, i) => line(values, rows[i]!.path))].join('\n')}\n`;
  }

  private row(wd: number, path: string): Row {
    let row = this.rows.get(wd);
    if (row === undefined) {
      row = { path, counts: new Map(), total: 0 };
      this.rows.set(wd, row);
    }
    return row;
  }
}
