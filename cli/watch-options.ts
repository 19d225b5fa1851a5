import { type Command, Option } from 'commander';
import type { FilterOptions, WatchSelection } from '../src/index.js';
import { addBackendOptions } from './backend-options.js';
import { collect } from './flag-helpers.js';

/** The watch flags as commander hands them over. */
export interface WatchFlags extends FilterOptions {
  event?: string[];
  events?: string[];
  recursive?: boolean;
}

/**
 * The event filters (eventFilter's options), one wording for every command that watches:
 * --exclude/--include POSIX EREs on %w%f, --glob/--ignore globs relative to the watched root.
 */
export function addFilterOptions(command: Command): Command {
  return command
    .option(
      '--exclude <regex>',
      'ignore events on paths (%w%f) matching this POSIX extended regex; a directory it covers is not watched (repeatable)',
      collect,
    )
    .option('--excludei <regex>', 'like --exclude, case-insensitive', collect)
    .option('--include <regex>', 'ignore events on paths not matching this POSIX extended regex (repeatable)', collect)
    .option('--includei <regex>', 'like --include, case-insensitive', collect)
    .option(
      '--glob <pattern>',
      'only events on paths matching this glob, relative to the watched path (without a slash: the base name; repeatable)',
      collect,
    )
    .option('--ignore <pattern>', 'no events on (and no watches for) paths matching this glob (repeatable)', collect)
    .option('--no-dirs', 'no events about directories')
    .option('--only-dirs', 'only events about directories');
}

/**
 * Add the options that choose what to watch (-e, -r and the filters) to `command`, with inotifywait's
 * names and meanings. The paths are the command's own arguments.
 */
export function addWatchOptions(command: Command, defaultEvents = 'all'): Command {
  command
    .option('-e, --event <events>', `only these events (comma-separated, repeatable; default: ${defaultEvents})`, collect)
    .addOption(new Option('--events <events>', 'same as --event').argParser(collect).hideHelp())
    .option('-r, --recursive', 'watch directories recursively, including those created later');
  return addBackendOptions(addFilterOptions(command));
}

/** The selection the flags describe (also the shape of a config file's watch entry). */
export function toWatchSelection(paths: readonly string[], flags: WatchFlags): WatchSelection {
  const { event, events, recursive, exclude, excludei, include, includei, glob, ignore, dirs, onlyDirs } = flags;
  return {
    paths,
    events: [...(event ?? []), ...(events ?? [])],
    recursive: recursive ?? false,
    exclude,
    excludei,
    include,
    includei,
    glob,
    ignore,
    dirs,
    onlyDirs,
  };
}
