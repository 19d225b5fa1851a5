import type { Command } from 'commander';
import type { LogLevel } from '../../../recipes/automation/action.js';
import { daemonLoop } from '../../../recipes/automation/daemon-loop.js';
import { CHANGE_EVENTS } from '../../../recipes/automation/watch-unit.js';
import { TswatchError } from '../../errors.js';
import { toWatchSelection, type WatchFlags } from '../watch-options.js';

/**
 * Logging and output for a command running in the foreground: messages on stderr (with `quiet`, only
 * failures), commands inherit stdio.
 */
export function foregroundIO(quiet = false) {
  return {
    baseDir: process.cwd(),
    log: (line: string, level?: LogLevel) => {
      if (!(quiet && level === 'info')) process.stderr.write(`tswatch: ${line}\n`);
    },
    output: 'inherit' as const,
  };
}

/** The root command's raw argv (commander keeps it on the program). */
function rawArgs(command: Command): string[] {
  let root = command;
  while (root.parent) root = root.parent;
  return (root as unknown as { rawArgs: string[] }).rawArgs;
}

/**
 * `tswatch exec PATH… -- CMD ARG…`: commander hands over the words without the `--`; the raw argv
 * says where it was. The command is everything after the first `--` that follows the subcommand.
 */
export function splitCommand(words: string[], command: Command): { paths: string[]; argv: string[] } {
  const raw = rawArgs(command);
  const at = raw.indexOf(command.name());
  const dashes = raw.indexOf('--', at + 1);
  const argv = dashes === -1 ? [] : raw.slice(dashes + 1);
  const paths = words.slice(0, words.length - argv.length);
  if (argv.length === 0 || paths.length === 0) {
    throw new TswatchError(argv.length === 0 ? 'no command given' : 'no path to watch', {
      code: 'EBADFLAG',
      hint: `write the paths, then --, then the command: tswatch ${command.name()} -r src -- make test`,
    });
  }
  return { paths, argv };
}

/**
 * `tswatch exec|restart`: one unnamed watch of `paths` running the `recipe` action, in the foreground,
 * until every path is gone or a signal. Without -e, the events that mean "content changed".
 */
export async function runOneWatch(recipe: string, options: object, paths: string[], flags: WatchFlags & { quiet?: boolean }): Promise<number> {
  const selection = toWatchSelection(paths, flags);
  if (selection.events?.length === 0) selection.events = CHANGE_EVENTS;
  return daemonLoop({
    ...foregroundIO(flags.quiet),
    exitOnFatal: true,
    load: async () => [{ name: '', selection, action: { recipe, options: { ...options } } }],
  });
}
