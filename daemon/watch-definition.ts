import { isAbsolute, resolve } from 'node:path';
import { TswatchError, watchSpec, type WatchSelection } from '../src/index.js';
import { parseSince } from '../recipes/fleet/parse-since.js';
import { streamUrl } from '../recipes/fleet/fleet-source.js';
import { ACTIONS, PUBLISH_ONLY, recipeEntry } from './action-registry.js';
import type { WatchDefinition } from './automation-engine.js';
import { type KeyPath, type ReportProblem, reportError, reportIssues } from './config-problems.js';
import type { WatchConfig } from './config-schema.js';
import { localSink } from './fleet-config.js';
import { execTemplate } from './placeholders.js';
import { parseSignal } from './signal-name.js';
import type { StreamInput } from './stream-source.js';
import { CHANGE_EVENTS } from './watch-unit.js';

const list = (value: string | readonly string[] | undefined): string[] | undefined =>
  value === undefined ? undefined : typeof value === 'string' ? [value] : [...value];

/** One watch entry → a WatchDefinition; problems are reported against the entry's keys. */
export function toDefinition(watch: WatchConfig, index: number, baseDir: string, report: ReportProblem): WatchDefinition {
  const at = (key: string): KeyPath => ['watches', index, key];
  const reportKey = (key: string, message: string): void => report(at(key), message);
  const stream = watch.stream === undefined ? undefined : toStream(watch, baseDir, reportKey);
  const selection = watch.paths === undefined && stream === undefined ? undefined : toSelection(watch, baseDir, reportKey);
  let signal: NodeJS.Signals | undefined;
  try {
    signal = watch.signal === undefined ? undefined : parseSignal('signal', watch.signal);
  } catch (err) {
    report(at('signal'), `${(err as TswatchError).message.replace(/^signal: /, '')} (${(err as TswatchError).hint})`);
  }
  const commandOptions = (words: string | string[]) => ({
    command: typeof words === 'string' ? [words] : words,
    shell: typeof words === 'string' || (watch.shell ?? false),
    signal,
    killAfterMs: watch.killAfter === undefined ? undefined : watch.killAfter * 1000,
    debounceMs: watch.debounce,
    cwd: resolve(baseDir, watch.cwd ?? '.'),
  });
  let action: WatchDefinition['action'];
  if (watch.exec !== undefined) {
    const options = { ...commandOptions(watch.exec), batch: watch.batch, onBusy: watch.onBusy, ignoreOwn: watch.ignoreOwn };
    action = { recipe: 'exec', options };
    try {
      execTemplate(options); // placeholders misplaced, or inside shell code: refused at load, not at start
    } catch (err) {
      reportError(err, 'exec', reportKey);
    }
  } else if (watch.restart !== undefined) {
    action = {
      recipe: 'restart',
      options: { ...commandOptions(watch.restart), startRetries: watch.startRetries, startSecs: watch.startSecs, backoffMs: watch.backoff },
    };
  } else if (watch.handler !== undefined) {
    action = { recipe: 'handler', options: { module: watch.handler, options: watch.options } };
  } else if (watch.recipe === undefined) {
    action = { recipe: PUBLISH_ONLY, options: {} };
  } else {
    const name = watch.recipe!;
    const entry = recipeEntry(name);
    if (entry === undefined) report(at('recipe'), `unknown recipe '${name}' (known recipes: ${Object.keys(ACTIONS).join(', ')})`);
    let options: Record<string, unknown> = watch.options ?? {};
    const checked = entry?.options?.safeParse(options);
    if (checked?.success === false) reportIssues(checked.error, at('options'), report);
    else if (checked?.success) options = checked.data;
    action = { recipe: name, options };
  }
  return {
    name: watch.name ?? `watch${index + 1}`,
    selection,
    ...(stream && { stream }),
    action,
    ...(watch.publish === false && { publish: false }),
  };
}

/** A `stream:` watch's stream: URL and times checked, files relative to the config file. */
function toStream(watch: WatchConfig, baseDir: string, report: (key: string, message: string) => void): StreamInput {
  const sink = localSink(watch.stream!, (p) => (p === undefined ? undefined : resolve(baseDir, p)));
  try {
    streamUrl(sink.url, 'stream');
  } catch (err) {
    reportError(err, 'stream', report);
  }
  try {
    if (watch.since !== undefined) parseSince(watch.since);
  } catch (err) {
    reportError(err, 'since', report);
  }
  return { sink, hosts: list(watch.hosts), durable: watch.durable, since: watch.since };
}

/**
 * The entry's paths, events and filters, checked as watchSpec checks them. A `stream:` watch's paths are
 * prefixes of the agents' (absolute) paths, '/' when none.
 */
function toSelection(watch: WatchConfig, baseDir: string, report: (key: string, message: string) => void): WatchSelection {
  const remote = list(watch.paths) ?? ['/'];
  if (watch.stream !== undefined && !remote.every(isAbsolute))
    report('paths', "a 'stream' watch's paths are the agents' absolute paths (prefixes): write them from '/'");
  const selection: WatchSelection = {
    paths: watch.stream === undefined ? list(watch.paths)!.map((p) => resolve(baseDir, p)) : remote,
    events: list(watch.events) ?? CHANGE_EVENTS,
    recursive: watch.recursive ?? false,
    exclude: list(watch.exclude),
    excludei: list(watch.excludei),
    include: list(watch.include),
    includei: list(watch.includei),
    glob: list(watch.glob),
    ignore: list(watch.ignore),
    dirs: watch.dirs,
    onlyDirs: watch.onlyDirs,
  };
  try {
    watchSpec(selection);
  } catch (err) {
    const message = err instanceof TswatchError ? err.message : '';
    const key =
      (err as TswatchError).code === 'EBADEVENT'
        ? 'events'
        : /^--no-dirs and --only-dirs/.test(message)
          ? 'onlyDirs'
          : (/^--(\w+):/.exec(message)?.[1] ?? 'paths');
    reportError(err, key, report);
  }
  return selection;
}
