import type { EventFormatter } from '../handlers/event-format.js';
import type { FleetOptions } from '../recipes/fleet/index.js';
import { TswatchError } from '../src/errors.js';
import type { Event, PathFilter } from '../src/index.js';
import { eventMask } from './flag-helpers.js';
import { eventFilter, type FilterOptions } from '../src/event-filter.js';
import { buildFormatter, type OutputFlags } from './options-output.js';
import { parseTimeout } from './timeout.js';
import { watchedAsGiven } from './watched-as-given.js';

/** What commander hands over for `tswatch`. */
export interface ParsedFlags extends FilterOptions, OutputFlags {
  event?: string[];
  events?: string[];
  monitor?: boolean;
  daemon?: boolean;
  outfile?: string;
  syslog?: boolean;
  dereference?: boolean;
  recursive?: boolean;
  fromfile?: string;
  quiet?: number;
  timeout?: string;
  budget?: boolean;
  handler?: string;
  state?: string;
  settle?: string;
  sink?: string[];
  host?: string;
  outbox?: string;
  outboxMax?: string;
}

/** Everything `run` needs, validated: no argv, no I/O. */
export interface RunOptions {
  paths: string[];
  mask: number;
  monitor: boolean;
  daemon: boolean;
  recursive: boolean;
  /** 0: messages and events; 1: events only; 2: nothing. */
  quiet: number;
  /** Milliseconds; 0 means wait forever. */
  timeoutMs: number;
  outfile: string | undefined;
  syslog: boolean;
  format: EventFormatter;
  accept: (event: Event) => boolean;
  skipDir: PathFilter;
  budgetOnly: boolean;
  handler: string | undefined;
  /** Report what changed since the last run first, keeping the state in this file. */
  stateFile?: string | undefined;
  /** Report a file's modify once it stopped changing for this many milliseconds. */
  settleMs?: number | undefined;
  /** --sink/--host/--outbox: where events go besides the output (undefined: no --sink). */
  fleet: FleetOptions | undefined;
}

/** Paths to watch and `@path`s to exclude (from the arguments and --fromfile), split; none is an error. */
export function splitPaths(
  words: readonly string[],
  hint = 'give one or more paths (or --fromfile FILE)',
): { paths: string[]; excludePaths: string[] } {
  const paths = words.filter((word) => !word.startsWith('@'));
  if (paths.length === 0) {
    throw new TswatchError('no files specified to watch', { code: 'EBADFLAG', hint });
  }
  return { paths, excludePaths: words.filter((word) => word.startsWith('@')).map((word) => word.slice(1)) };
}

/** Validate the flags. `words`: the arguments and the lines of --fromfile (`@path` excludes). */
export async function toRunOptions(words: string[], flags: ParsedFlags): Promise<RunOptions> {
  const { paths, excludePaths } = splitPaths(
    words,
    'give one or more paths (or --fromfile FILE), or --config FILE to run the watches of a config file',
  );
  if (flags.daemon && flags.outfile === undefined) {
    throw new TswatchError('-d/--daemon needs -o/--outfile', {
      code: 'EBADFLAG',
      hint: 'add -o FILE: a daemon has no terminal to print to',
    });
  }
  const lists = [...(flags.event ?? []), ...(flags.events ?? [])];
  const watched = watchedAsGiven(paths, flags.recursive ?? false, flags.dereference !== false);
  const { accept, skipDir } = eventFilter(paths, flags, excludePaths, watched);
  return {
    paths,
    mask: eventMask(lists, flags.dereference),
    monitor: (flags.monitor || flags.daemon || flags.handler !== undefined) ?? false,
    daemon: flags.daemon ?? false,
    recursive: flags.recursive ?? false,
    quiet: flags.quiet ?? 0,
    timeoutMs: parseTimeout(flags.timeout ?? '0'),
    outfile: flags.outfile,
    syslog: (flags.syslog || flags.daemon) ?? false,
    format: buildFormatter(flags, watched),
    accept,
    skipDir,
    budgetOnly: flags.budget ?? false,
    handler: flags.handler,
    stateFile: flags.state,
    settleMs: flags.settle === undefined ? undefined : parseSeconds('--settle', flags.settle, 'milliseconds'),
    fleet: await fleetOptions(flags),
  };
}

/** --sink URL… (checked now), --host, --outbox: the same data a `sinks:` config key holds. */
export async function fleetOptions(flags: Pick<ParsedFlags, 'sink' | 'host' | 'outbox' | 'outboxMax'>): Promise<FleetOptions | undefined> {
  if (flags.sink === undefined) {
    const stray = (['host', 'outbox', 'outboxMax'] as const).find((flag) => flags[flag] !== undefined)?.replace('outboxMax', 'outbox-max');
    if (stray)
      throw new TswatchError(`--${stray} needs --sink`, { code: 'EBADFLAG', hint: 'add --sink URL (e.g. nats://HOST:4222/SUBJECT)' });
    return undefined;
  }
  // The fleet's modules only for a watch that sends its events somewhere.
  const [{ fleetHost, outboxBytes }, { parseSinkUrl }] = await Promise.all([
    import('../recipes/fleet/fleet-settings.js'),
    import('../recipes/fleet/open-sink.js'),
  ]);
  for (const url of flags.sink) parseSinkUrl(url);
  return {
    sinks: flags.sink.map((url) => ({ url })),
    ...(flags.host !== undefined && { host: fleetHost('--host', flags.host) }),
    outbox: {
      ...(flags.outbox !== undefined && { dir: flags.outbox }),
      ...(flags.outboxMax !== undefined && { maxBytes: outboxBytes('--outbox-max', flags.outboxMax) }),
    },
  };
}

function parseSeconds(flag: string, value: string, unit: string): number {
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds < 0) {
    throw new TswatchError(`${flag}: '${value}' is not a number of ${unit}`, {
      code: 'EBADFLAG',
      hint: `give ${flag} a whole or decimal number of ${unit}, 0 or more`,
    });
  }
  return seconds;
}
