import { type Command, Option } from 'commander';
import { CLI_EVENTS } from '../masks.js';
import { watchSpec, type WatchSelection, type WatchSpec } from '../watch-spec.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** The watch flags as commander hands them over. */
export interface WatchFlags {
  event?: string[];
  events?: string[];
  recursive?: boolean;
  exclude?: string[];
  excludei?: string[];
  include?: string[];
  includei?: string[];
  glob?: string[];
}

/** Help text for the event names, shared by every command that takes -e. */
export const EVENTS_HELP = `events (comma-separated, repeatable; default: all):\n  ${Object.keys(CLI_EVENTS).join(', ')}`;

/**
 * Add the options that choose what to watch (-e, -r, --exclude, --include, --glob) to `command`, with
 * inotifywait's names and meanings. The paths are the command's own arguments.
 */
export function addWatchOptions(command: Command, defaultEvents = 'all'): Command {
  return command
    .option('-e, --event <events>', `only these events (comma-separated, repeatable; default: ${defaultEvents})`, collect)
    .addOption(new Option('--events <events>', 'same as --event').argParser(collect).hideHelp())
    .option('-r, --recursive', 'watch directories recursively, including those created later')
    .option('--exclude <regex>', 'do not watch or report paths matching this regular expression (repeatable)', collect)
    .option('--excludei <regex>', 'like --exclude, case-insensitive', collect)
    .option('--include <regex>', 'report only paths matching this regular expression (repeatable)', collect)
    .option('--includei <regex>', 'like --include, case-insensitive', collect)
    .option('--glob <pattern>', "report only paths matching this glob ('*.ts': the name at any depth; 'src/**/*.ts': the end of the path)", collect);
}

/** The selection the flags describe (also the shape of a config file's watch entry). */
export function toWatchSelection(paths: readonly string[], flags: WatchFlags): WatchSelection {
  return {
    paths,
    events: [...(flags.event ?? []), ...(flags.events ?? [])],
    recursive: flags.recursive ?? false,
    exclude: flags.exclude,
    excludei: flags.excludei,
    include: flags.include,
    includei: flags.includei,
    glob: flags.glob,
  };
}

/** Paths and flags → WatchManager.addWatch(spec.paths, spec.mask, spec.options) and the event filter. */
export function toWatchSpec(paths: readonly string[], flags: WatchFlags): WatchSpec {
  return watchSpec(toWatchSelection(paths, flags));
}
