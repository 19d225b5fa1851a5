import { hostname } from 'node:os';
import { basename, dirname } from 'node:path';
import { type Event, IN_ISDIR, IN_MOVED_FROM, IN_MOVED_TO, inotifywaitNames, TswatchError } from '../src/index.js';
import { inlineScripts } from './inline-script.js';

/** Per-event placeholders, each replaced by one value inside one argument (never split, never parsed). */
export const EVENT_PLACEHOLDERS = ['path', 'dir', 'name', 'event', 'src', 'dest', 'cookie', 'isdir', 'host'] as const;
export type PlaceholderName = (typeof EVENT_PLACEHOLDERS)[number];

/** `{paths}` (batch mode): a whole argument that becomes one argument per path. */
const PATHS = '{paths}';
const PLACEHOLDER = new RegExp(`\\{(${EVENT_PLACEHOLDERS.join('|')})\\}`, 'g');

/**
 * The values an event gives the placeholders and the TSWATCH_* variables. `host`: where it happened, the
 * origin host of an event from a fleet stream, this machine's hostname for a local one.
 */
export function eventValues(event: Event): Record<PlaceholderName, string> {
  const self = event.name === '';
  return {
    path: event.pathname,
    dir: self ? dirname(event.path) : event.path,
    name: self ? basename(event.path) : event.name,
    event: inotifywaitNames(event.mask & ~IN_ISDIR),
    src: event.mask & IN_MOVED_TO ? (event.src_pathname ?? '') : event.mask & IN_MOVED_FROM ? event.pathname : '',
    dest: event.mask & IN_MOVED_TO ? event.pathname : '',
    cookie: String(event.cookie),
    isdir: event.dir ? '1' : '0',
    host: event.host ?? hostname(),
  };
}

/** TSWATCH_PATH, TSWATCH_DIR, … for an event: how a --shell script reads the values. */
export function eventEnv(event: Event): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(eventValues(event))) env[`TSWATCH_${key.toUpperCase()}`] = value;
  return env;
}

/** A command line whose placeholders are filled per event or per batch. */
export interface CommandTemplate {
  /** argv for one event. */
  forEvent(event: Event): string[];
  /** argv for a batch: `{paths}` becomes one argument per path. */
  forBatch(paths: readonly string[]): string[];
  /** True when some argument is `{paths}`. */
  readonly takesPaths: boolean;
}

/**
 * Check a command line once, at start-up, and return its filler. Placeholders are replaced in the
 * argument vector handed to execve: a file named `$(rm -rf ~)` or `a;b` is one literal argument,
 * nothing parses it. Unknown `{words}` are left as written (awk's `{print}` must survive).
 */
export function commandTemplate(argv: readonly string[], mode: { batch: boolean }): CommandTemplate {
  if (argv.length === 0) {
    throw new TswatchError('no command given', { code: 'EBADFLAG', hint: 'put the command after --, e.g. tswatch exec src -- make' });
  }
  for (const { shell, index } of inlineScripts(argv)) {
    const safe = mode.batch ? `${shell} -c '… "$@"' sh {paths}` : `${shell} -c '… "$1"' sh {path}`;
    refuseScriptPlaceholders(
      argv[index]!,
      `the script of '${shell} -c'`,
      `pass the value after the script, as an argument, and quote it there: ${safe}`,
    );
  }
  const takesPaths = argv.includes(PATHS);
  const perEvent = argv.filter((arg) => arg !== PATHS && new RegExp(PLACEHOLDER.source).test(arg));
  if (mode.batch && perEvent.length > 0) {
    throw new TswatchError(`'${perEvent[0]}': per-event placeholders cannot be used with --batch`, {
      code: 'EBADFLAG',
      hint: 'a batch runs once for many paths: use {paths} (one argument per path) or read NUL-separated paths on stdin',
    });
  }
  if (!mode.batch && takesPaths) {
    throw new TswatchError('{paths} is only filled in --batch mode', {
      code: 'EBADFLAG',
      hint: 'add --batch, or use {path} to run once per event',
    });
  }
  if (argv.some((arg) => arg !== PATHS && arg.includes(PATHS))) {
    throw new TswatchError('{paths} must be a whole argument', {
      code: 'EBADFLAG',
      hint: 'write {paths} as its own argument: it becomes one argument per path (e.g. -- rsync -a {paths} dest/)',
    });
  }
  return {
    takesPaths,
    forEvent(event) {
      const values = eventValues(event);
      return argv.map((arg) => arg.replace(PLACEHOLDER, (_, key: PlaceholderName) => values[key]));
    },
    forBatch(paths) {
      return argv.flatMap((arg) => (arg === PATHS ? [...paths] : [arg]));
    },
  };
}

/**
 * `--shell`: the script is handed to /bin/sh as written; values arrive as positional parameters ($1: the
 * path; in a batch, "$@": every path) and as TSWATCH_* variables, never as text inside the script.
 */
export function shellTemplate(argv: readonly string[], mode: { batch: boolean }): CommandTemplate {
  if (argv.length === 0) {
    throw new TswatchError('no command given', {
      code: 'EBADFLAG',
      hint: "put the script after --, e.g. tswatch exec --shell src -- 'make && ./test'",
    });
  }
  const script = argv.join(' ');
  refuseScriptPlaceholders(
    script,
    '--shell scripts',
    mode.batch
      ? 'read the paths as "$@" (quoted) or NUL-separated on stdin'
      : 'use "$1" or "$TSWATCH_PATH" (quoted), "$TSWATCH_NAME", "$TSWATCH_EVENT", …',
  );
  const sh = ['/bin/sh', '-c', script, 'tswatch'];
  return {
    takesPaths: mode.batch,
    forEvent: (event) => [...sh, event.pathname],
    forBatch: (paths) => [...sh, ...paths],
  };
}

/**
 * A placeholder inside shell code (a --shell script, the script of `sh -c`) would be filled in as text
 * the shell then parses: a file named `$(touch x)` would run touch. Refused, whichever way the script came.
 */
function refuseScriptPlaceholders(script: string, where: string, hint: string): void {
  const found = new RegExp(PLACEHOLDER.source).exec(script)?.[0] ?? (script.includes(PATHS) ? PATHS : undefined);
  if (found === undefined) return;
  throw new TswatchError(
    `placeholders are not substituted into ${where}: '${found}' there would run file names as shell code (that is how incron runs them)`,
    {
      code: 'EBADFLAG',
      hint,
    },
  );
}

/** The filler of an exec action's command (argv, or a --shell script), checked: what exec and the config loader share. */
export function execTemplate(options: {
  command: readonly string[];
  shell?: boolean | undefined;
  batch?: boolean | undefined;
}): CommandTemplate {
  return (options.shell ? shellTemplate : commandTemplate)(options.command, { batch: options.batch ?? false });
}
