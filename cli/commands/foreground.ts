import { isAbsolute } from 'node:path';
import type { Command } from 'commander';
import type { LogLevel } from '../../daemon/action.js';
import { CHANGE_EVENTS } from '../../daemon/change-events.js';
import type { StreamInput } from '../../daemon/stream-source.js';
import { TswatchError } from '../../src/errors.js';
import { collect } from '../flag-helpers.js';
import { addWatchOptions, toWatchSelection, type WatchFlags } from '../watch-options.js';

/** --stream and its companions: a fleet stream as the input instead of local paths. */
export interface StreamFlags {
  stream?: string;
  fromHost?: string[];
  durable?: string;
  since?: string;
}

export function addStreamOptions(command: Command): Command {
  return command
    .option(
      '--stream <url>',
      'act on the events of a fleet stream (nats://HOST:4222/SUBJECT, redis://HOST:6379/STREAM, mqtt://HOST:1883/TOPIC) instead of watching PATHS here',
    )
    .option('--from-host <glob>', 'with --stream: only events from hosts matching this glob (repeatable)', collect)
    .option('--durable <name>', 'with --stream: a durable consumer; a restart with the same name gets what was published meanwhile')
    .option('--since <time>', 'with --stream: start at this time (ISO, or 15m / 2h / 7d ago); nats:// and redis:// only');
}

/** What `tswatch exec` and `restart` share: PATH… -- CMD, the watch and --stream options, -q. */
export function addOneWatchOptions(command: Command): Command {
  command
    .usage(`[options] PATH... -- CMD [ARG...]\n       tswatch ${command.name()} [options] --stream URL [PATH...] -- CMD [ARG...]`)
    .argument('<paths-and-command...>', 'paths to watch (with --stream: prefixes of the remote paths, optional), then -- and the command');
  return addStreamOptions(addWatchOptions(command, CHANGE_EVENTS.join(','))).option(
    '-q, --quiet',
    'only failures on stderr (no "Watches established.", no restart progress)',
  );
}

/**
 * The stream the flags name, checked, or undefined without --stream. With --stream, PATHS are prefixes of
 * the agents' absolute paths, -r has no meaning (every depth matches) and nothing is watched here.
 */
async function streamInput(flags: StreamFlags & WatchFlags, paths: readonly string[]): Promise<StreamInput | undefined> {
  if (flags.stream === undefined) {
    const stray = (['fromHost', 'durable', 'since'] as const).find((key) => flags[key] !== undefined);
    if (stray === undefined) return undefined;
    const flag = `--${stray.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    throw new TswatchError(`${flag} applies to a fleet stream only`, { code: 'EBADFLAG', hint: `add --stream URL, or leave ${flag} out` });
  }
  const [{ streamUrl }, { parseSince }] = await Promise.all([
    import('../../recipes/fleet/fleet-source.js'),
    import('../../recipes/fleet/parse-since.js'),
  ]);
  streamUrl(flags.stream, '--stream');
  if (flags.since !== undefined) parseSince(flags.since);
  const relative = paths.find((path) => !isAbsolute(path));
  if (relative !== undefined) {
    throw new TswatchError(`'${relative}': with --stream, paths are prefixes of the agents' absolute paths`, {
      code: 'EBADFLAG',
      hint: 'write them from /, e.g. /srv/www',
    });
  }
  if (flags.recursive) {
    throw new TswatchError('-r has no meaning with --stream', {
      code: 'EBADFLAG',
      hint: 'the paths after --stream match events at every depth below them: leave -r out',
    });
  }
  return { sink: { url: flags.stream }, hosts: flags.fromHost, durable: flags.durable, since: flags.since };
}

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
  const fromStream = command.opts<StreamFlags>().stream !== undefined; // paths only filter then
  if (argv.length === 0 || (paths.length === 0 && !fromStream)) {
    throw new TswatchError(argv.length === 0 ? 'no command given' : 'no path to watch', {
      code: 'EBADFLAG',
      hint: `write the paths, then --, then the command: tswatch ${command.name()} -r src -- make test`,
    });
  }
  return { paths, argv };
}

/**
 * `tswatch exec|restart`: one unnamed watch of `paths` (or of a fleet stream, --stream) running the
 * `recipe` action, in the foreground, until every path is gone or a signal. Without -e, the events that
 * mean "content changed".
 */
export async function runOneWatch(
  recipe: string,
  options: object,
  paths: string[],
  flags: WatchFlags & StreamFlags & { quiet?: boolean },
): Promise<number> {
  const stream = await streamInput(flags, paths);
  const selection = toWatchSelection(stream && paths.length === 0 ? ['/'] : paths, flags);
  if (selection.events?.length === 0) selection.events = CHANGE_EVENTS;
  const { daemonLoop } = await import('../../daemon/daemon-loop.js');
  return daemonLoop({
    ...foregroundIO(flags.quiet),
    exitOnFatal: true,
    load: async () => ({ watches: [{ name: '', selection, stream, action: { recipe, options: { ...options } } }] }),
  });
}
