import { eventFilter, type FilteredEvent, type FilterOptions } from './event-filter.js';
import { TswatchError } from './errors.js';
import { ALL_EVENTS, parseEventList } from './masks.js';
import type { AddWatchOptions } from './watch-manager.js';

/**
 * What to watch, as a user writes it on the command line or in a config file. The filters mean what
 * the root command's flags mean (see FilterOptions): --exclude/--include are POSIX EREs on `%w%f`,
 * --glob/--ignore picomatch globs relative to the watched root.
 */
export interface WatchSelection extends FilterOptions {
  paths: readonly string[];
  /** inotifywait event names, each entry a comma-separated list; empty or absent: all events. */
  events?: readonly string[] | undefined;
  recursive?: boolean | undefined;
}

/** A selection turned into WatchManager.addWatch's arguments plus the event filter. */
export interface WatchSpec {
  paths: string[];
  mask: number;
  options: Required<Pick<AddWatchOptions, 'rec' | 'autoAdd'>> & Pick<AddWatchOptions, 'excludeFilter'>;
  /** True when this event should be reported (not excluded or ignored, included, matches a glob). */
  accepts: (event: FilteredEvent) => boolean;
}

/** Validate a selection and turn it into addWatch arguments. Pure: no filesystem access. */
export function watchSpec(selection: WatchSelection): WatchSpec {
  if (selection.paths.length === 0) {
    throw new TswatchError('no path to watch', { code: 'EBADFLAG', hint: 'give at least one file or directory' });
  }
  const events = selection.events ?? [];
  const mask = (events.length > 0 && parseEventList(events)) || ALL_EVENTS; // none named: all, as inotifywait
  const { accept, skipDir } = eventFilter(selection.paths, selection);
  const prunes = [selection.exclude, selection.excludei, selection.ignore].some((list) => (list?.length ?? 0) > 0);
  const recursive = selection.recursive ?? false;
  return {
    paths: [...selection.paths],
    mask,
    options: { rec: recursive, autoAdd: recursive, ...(prunes && { excludeFilter: skipDir }) },
    accepts: accept,
  };
}
