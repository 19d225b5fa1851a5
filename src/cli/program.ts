import { Command, Option } from 'commander';
import { CLI_EVENTS } from '../masks.js';
import { SUBCOMMANDS } from './commands.js';
import { toRunOptions, type ParsedFlags } from './options.js';
import { packageVersion } from './package-version.js';
import { run } from './run.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const count = (_value: string, previous = 0): number => previous + 1;

const EVENTS_HELP = `events (comma-separated, repeatable; default: all):
  ${Object.keys(CLI_EVENTS).join(', ')}`;

/**
 * Every option of `tswatch` and its subcommands, declared once: --help, the parser and (later)
 * completions and the man page read this tree.
 */
export function buildProgram(): Command {
  const program = new Command('tswatch')
    .description('Watch files and directories with Linux inotify and print their events, like inotifywait.')
    .argument('<paths...>', 'files or directories to watch')
    .option('-e, --event <events>', 'listen for these events only', collect)
    .addOption(new Option('--events <events>', 'same as --event').argParser(collect))
    .option('-m, --monitor', 'keep listening; without it, exit after the first event')
    .option('-r, --recursive', 'watch directories recursively, including those created later')
    .option('-q, --quiet', 'no "Setting up watches" messages; twice (-qq): no events either', count, 0)
    .option('-t, --timeout <seconds>', 'exit with status 2 if no event arrives within this time (0: never)')
    .option('--settle <ms>', 'report a file\'s modify once it stopped changing: on close_write, or after MS ms unchanged')
    .option('--state <file>', 'keep the trees\' state in FILE: changes made while tswatch was not running are reported first')
    .version(packageVersion(), '-V, --version')
    .addHelpText(
      'after',
      `
${EVENTS_HELP}

Output: one line per event, "WATCHED_PATH EVENTS NAME" as inotifywait prints it:
  /tmp/ CREATE foo        /tmp/ CREATE,ISDIR dir        /tmp/ CLOSE_WRITE,CLOSE foo

Exit status: 0 an event arrived (or -m ended normally), 1 an error, 2 the timeout passed.

Examples:
  tswatch /tmp --events create,delete        print the first create or delete in /tmp, then exit
  tswatch -m -r ~/src -e close_write,moved_to keep printing files written or moved in under ~/src`,
    )
    .action(async (paths: string[], flags: ParsedFlags) => {
      process.exitCode = await run(toRunOptions(paths, flags), { stdout: process.stdout, stderr: process.stderr });
    });
  for (const build of SUBCOMMANDS) program.addCommand(build());
  return program;
}
