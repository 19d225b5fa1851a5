import { opendirSync } from 'node:fs';
import { STATS_SORT_KEYS, StatsTable } from '../handlers/stats-table.js';
import {
  checkWatchBudget,
  type Event,
  IN_Q_OVERFLOW,
  Notifier,
  type PathFilter,
  TswatchError,
  watchBudget,
  WatchManager,
} from '../src/index.js';
import { joinPath } from '../src/join-path.js';
import { eventFilter, type FilterOptions } from '../src/event-filter.js';
import { splitPaths } from './options.js';
import { eventMask } from './flag-helpers.js';
import { readList } from './read-list.js';
import { parseTimeout, setLongTimeout } from './timeout.js';

export interface StatsFlags extends FilterOptions {
  timeout?: string;
  event?: string[];
  ascending?: string;
  descending?: string;
  zero?: boolean;
  recursive?: boolean;
  dereference?: boolean;
  live?: boolean;
  fromfile?: string;
  verbose?: boolean;
}

function sortKey(flag: string, value: string): string {
  const key = value.toLowerCase();
  if (!STATS_SORT_KEYS.includes(key)) {
    throw new TswatchError(`${flag}: '${value}' is not a valid key for sorting`, {
      code: 'EBADFLAG',
      hint: `valid keys: ${STATS_SORT_KEYS.join(', ')}`,
    });
  }
  return key;
}

/**
 * The order inotifywatch numbers its watches in, which is its order for rows tied on the sort key:
 * each root in turn, depth first, a directory after everything below it, entries in the order the
 * directory lists them (opendir does not sort, unlike readdir).
 */
function inotifywatchOrder(roots: readonly string[], recursive: boolean, skipDir: PathFilter): Map<string, number> {
  const order = new Map<string, number>();
  const visit = (path: string): void => {
    if (recursive) {
      try {
        const dir = opendirSync(path);
        try {
          for (let entry = dir.readSync(); entry !== null; entry = dir.readSync()) {
            const child = joinPath(path, entry.name);
            if (entry.isDirectory() && !skipDir(child)) visit(child);
          }
        } finally {
          dir.closeSync();
        }
      } catch {
        // a file, or gone: just itself
      }
    }
    if (!order.has(path)) order.set(path, order.size);
  };
  for (const root of roots) visit(root.length > 1 ? root.replace(/\/+$/, '') : root);
  return order;
}

/** `tswatch stats`: inotifywatch. Count events per watched path for a while, then print the table. */
/** `tswatch stats`' run: watch, count, print inotifywatch's table. */
export async function stats(args: string[], flags: StatsFlags): Promise<void> {
  if (flags.ascending !== undefined && flags.descending !== undefined) {
    throw new TswatchError('-a/--ascending and -d/--descending cannot both be given', { code: 'EBADFLAG', hint: 'sort one way' });
  }
  const sortBy =
    flags.ascending !== undefined
      ? sortKey('--ascending', flags.ascending)
      : flags.descending !== undefined
        ? sortKey('--descending', flags.descending)
        : 'total';
  const timeoutMs = parseTimeout(flags.timeout ?? '0', 'give a number of seconds (0 or less: until interrupted)');
  const { paths, excludePaths } = splitPaths([...args, ...readList(flags.fromfile)]);
  const { accept, skipDir } = eventFilter(paths, flags, excludePaths);
  const mask = eventMask(flags.event ?? [], flags.dereference);

  process.stderr.write('Establishing watches...\n');
  if (flags.recursive) checkWatchBudget(watchBudget(paths, true, skipDir));
  // Listed before watching: reading a watched directory would be counted as events.
  const listingOrder = inotifywatchOrder(paths, flags.recursive ?? false, skipDir);
  const verbose = (text: string): void => void (flags.verbose && process.stderr.write(`${text}\n`));
  // inotifywatch names each path it sets up only with -r (where that may take a while).
  const verbosePaths = (text: string): void => void (flags.recursive && verbose(text));
  const wm = new WatchManager();
  try {
    for (const path of paths) {
      verbosePaths(`Setting up watch(es) on ${path}`);
      wm.addWatch(path, mask, { rec: flags.recursive ?? false, autoAdd: flags.recursive ?? false, quiet: false, excludeFilter: skipDir });
      verbosePaths(`OK, ${path} is now being watched.`);
    }
  } catch (err) {
    wm.close();
    throw err;
  }
  verbose(`Total of ${wm.size} watches.`);
  const table = new StatsTable();
  // By wd, taken now: a directory renamed later keeps its place.
  const order = new Map<number, number>();
  for (const [path, rank] of listingOrder) {
    const wd = wm.getWd(path);
    if (wd !== undefined && !order.has(wd)) order.set(wd, rank);
  }
  const options = {
    sortBy,
    ascending: flags.ascending !== undefined,
    zeros: flags.zero ?? false,
    mask,
    rank: (wd: number) => order.get(wd),
  };
  const notifier = new Notifier(wm, (event: Event) => {
    // A watch's end (IN_IGNORED) counts in its row's total, as in inotifywatch; it has no column.
    if (event.mask & IN_Q_OVERFLOW || !accept(event)) return;
    table.add(event);
  });
  notifier.on('error', (err: Error) => process.stderr.write(`tswatch: ${err instanceof TswatchError ? err.describe() : err.message}\n`));
  const draw = (): string => {
    table.sync(wm.watches());
    return table.render(options);
  };
  const stop = (): void => {
    table.sync(wm.watches()); // the current names, before stop() closes the watches
    notifier.stop();
  };
  process.once('SIGINT', stop).once('SIGTERM', stop);
  const timers: Array<{ clear(): void }> = [];
  if (timeoutMs > 0) timers.push(setLongTimeout(stop, timeoutMs));
  if (flags.live) {
    // A TTY gets the table redrawn in place; a pipe gets one table per second, blank-line separated.
    const tty = process.stdout.isTTY === true;
    const redraw = setInterval(() => process.stdout.write(tty ? `\x1b[H\x1b[2J${draw()}` : `${draw()}\n`), 1000);
    timers.push({ clear: () => clearInterval(redraw) });
  }
  await notifier.ready();
  process.stderr.write('Finished establishing watches, now collecting statistics.\n');
  if (timeoutMs > 0) verbose(`Will listen for events for ${flags.timeout} seconds.`);
  table.sync(wm.watches());
  await notifier.loop();
  for (const timer of timers) timer.clear();
  process.off('SIGINT', stop).off('SIGTERM', stop);
  if (table.total === 0)
    process.stderr.write('No events occurred.\n'); // with -z too, as inotifywatch
  else process.stdout.write(table.render(options));
  process.exitCode = 0;
}
