import { Command, Option } from 'commander';
import { STATS_SORT_KEYS } from '../../handlers/stats-sort-keys.js';
import { collect, EVENTS_HELP, once } from '../flag-helpers.js';
import type { StatsFlags } from '../stats-run.js';

/** `tswatch stats PATH…`: inotifywatch's options and table. */
export function statsCommand(): Command {
  return new Command('stats')
    .description('Count filesystem events per watched path and print a table when done, like inotifywatch.')
    .argument('[paths...]', 'files or directories to watch; @PATH excludes PATH')
    .option('-t, --timeout <seconds>', 'listen this long (0 or omitted: until Ctrl-C)')
    .option('-e, --event <events>', 'count these events only', collect)
    .addOption(new Option('-a, --ascending <event>', "sort ascending by this event's column, or 'total'"))
    .addOption(new Option('-d, --descending <event>', "sort descending by this event's column, or 'total' (default)"))
    .option('--fromfile <file>', "read paths to watch (or @paths to exclude) from FILE, one per line; '-': stdin", once('--fromfile'))
    .option('-v, --verbose', 'say what is being watched')
    .option('-z, --zero', 'keep rows and columns that are all zeros')
    .option('-r, --recursive', 'watch directories recursively')
    .option('-P, --no-dereference', 'do not follow symbolic links')
    .option('--exclude <regex>', 'ignore events on paths matching this POSIX extended regex (repeatable)', collect)
    .option('--excludei <regex>', 'like --exclude, case-insensitive', collect)
    .option('--include <regex>', 'count only events on paths matching this POSIX extended regex', collect)
    .option('--includei <regex>', 'like --include, case-insensitive', collect)
    .option('--live', 'redraw the table every second (in place on a terminal)')
    .addHelpText(
      'after',
      `
${EVENTS_HELP}
Sort keys: ${STATS_SORT_KEYS.join(', ')}

Examples:
  tswatch stats -t 60 -r ~/src            count a minute of events under ~/src
  tswatch stats -r -e modify -d modify .   until Ctrl-C; busiest writers first
  tswatch stats -r --live /var             a live view of where the filesystem is busy`,
    )
    .action(async (paths: string[], flags: StatsFlags) => (await import('../stats-run.js')).stats(paths, flags));
}
