import { TswatchError } from '../errors.js';
import { ALL_EVENTS, parseEventList } from '../masks.js';

/** What commander hands over for `tswatch`. */
export interface ParsedFlags {
  event?: string[];
  events?: string[];
  monitor?: boolean;
  recursive?: boolean;
  quiet?: number;
  timeout?: string;
  state?: string;
  settle?: string;
}

/** Everything `run` needs, validated: no argv, no I/O. */
export interface RunOptions {
  paths: string[];
  mask: number;
  monitor: boolean;
  recursive: boolean;
  /** 0: messages and events; 1: events only; 2: nothing. */
  quiet: number;
  /** Milliseconds; 0 means wait forever. */
  timeoutMs: number;
  /** Report what changed since the last run first, keeping the state in this file. */
  stateFile?: string | undefined;
  /** Report a file's modify once it stopped changing for this many milliseconds. */
  settleMs?: number | undefined;
}

export function toRunOptions(paths: string[], flags: ParsedFlags): RunOptions {
  const lists = [...(flags.event ?? []), ...(flags.events ?? [])];
  return {
    paths,
    mask: lists.length > 0 ? parseEventList(lists) : ALL_EVENTS,
    monitor: flags.monitor ?? false,
    recursive: flags.recursive ?? false,
    quiet: flags.quiet ?? 0,
    timeoutMs: parseSeconds('--timeout', flags.timeout ?? '0') * 1000,
    stateFile: flags.state,
    settleMs: flags.settle === undefined ? undefined : parseSeconds('--settle', flags.settle, 'milliseconds'),
  };
}

function parseSeconds(flag: string, value: string, unit = 'seconds'): number {
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds < 0) {
    throw new TswatchError(`${flag}: '${value}' is not a number of ${unit}`, {
      code: 'EBADFLAG',
      hint: `give ${flag} a whole or decimal number of ${unit}, 0 or more${unit === 'seconds' ? ' (0: never)' : ''}`,
    });
  }
  return seconds;
}
