import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { ZodError } from 'zod';
import { TswatchError, watchSpec, type WatchSelection } from '../src/index.js';
import { parseSince } from '../recipes/fleet/parse-since.js';
import { streamUrl } from '../recipes/fleet/fleet-source.js';
import type { SinkConfig } from '../recipes/fleet/sink.js';
import type { FleetOptions } from '../recipes/fleet/index.js';
import { ACTIONS, PUBLISH_ONLY, recipeEntry } from './action-registry.js';
import type { WatchDefinition } from './automation-engine.js';
import { ACTION_KEYS, type ConfigFile, configSchema, type WatchConfig, watchSchema } from './config-schema.js';
import { execTemplate } from './placeholders.js';
import { parseSignal } from './signal-name.js';
import type { StreamInput } from './stream-source.js';
import { CHANGE_EVENTS } from './watch-unit.js';

/** The daemon's settings, from the config file or (overriding it) the command line. */
export interface DaemonSettings {
  pidfile?: string | undefined;
  log?: string | undefined;
  socket?: string | undefined;
  /** Web page and JSON API: HOST:PORT. */
  http?: string | undefined;
  httpTokenFile?: string | undefined;
  drainTimeoutMs?: number | undefined;
}

/** A validated config file: daemon settings and the watches, paths resolved against the file's directory. */
export interface LoadedConfig extends DaemonSettings {
  file: string;
  baseDir: string;
  watches: WatchDefinition[];
  /** Queued events past the drain timeout: kept for the new unit or the next start (default), or dropped (counted). */
  onDrainTimeout?: 'keep' | 'drop' | undefined;
  /** `sinks:` (with `host:` and `outbox:`), files resolved; undefined without sinks. */
  fleet: FleetOptions | undefined;
}

type Path = ReadonlyArray<string | number>;

/** `watches[1].events` */
function keyPath(path: Path): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('') || '(top level)';
}

/** Offset of the key (or sequence item) at `path` in the document, as deep as it exists. */
function offsetOf(root: unknown, path: Path): number {
  let node = root as Node | null | undefined;
  let offset = node?.range?.[0] ?? 0;
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === part);
      if (pair === undefined) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value as Node | null;
    } else if (isSeq(node) && typeof part === 'number') {
      node = node.items[part] as Node | undefined;
      if (node === undefined) break;
      offset = node.range?.[0] ?? offset;
    } else {
      break;
    }
  }
  return offset;
}

/**
 * Read and validate a YAML config file. Every mistake is reported as `FILE:LINE:COL: key.path: what`,
 * all of them at once, with the valid choices where there is a set.
 */
export function loadConfig(file: string): LoadedConfig {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new TswatchError(
      `cannot read config file '${path}': ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
      {
        code: 'EBADCONFIG',
        path,
        cause: err,
        hint: 'give --config the path of a YAML file (see `tswatch daemon --help` for an example)',
      },
    );
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const where = (offset: number): string => {
    const { line, col } = lineCounter.linePos(offset);
    return `${path}:${line}:${col}`;
  };
  const problems: string[] = [];
  for (const err of doc.errors) problems.push(`${where(err.pos[0])}: YAML syntax: ${err.message.split('\n')[0]}`);
  const report = (at: Path, message: string): void =>
    void problems.push(`${where(offsetOf(doc.contents, at))}: ${keyPath(at)}: ${message}`);

  if (problems.length === 0) {
    const raw = doc.toJS() as unknown;
    const parsed = configSchema.safeParse(raw);
    if (!parsed.success) reportIssues(parsed.error, [], report);
    // Event names, patterns, signals and recipes are checked on every well-formed watch, so one run
    // reports every mistake of the file.
    const rawWatches = (raw as { watches?: unknown } | null)?.watches;
    const rawSinks = (raw as { sinks?: unknown } | null)?.sinks;
    const hasSinks = Array.isArray(rawSinks) && rawSinks.length > 0;
    const baseDir = dirname(path);
    if (!hasSinks) {
      for (const key of ['host', 'outbox'] as const) {
        if ((raw as Record<string, unknown> | null)?.[key] !== undefined)
          report([key], `'${key}' applies to sinks only: add 'sinks:' (a list of URLs), or remove '${key}'`);
      }
    }
    const watches: WatchDefinition[] = [];
    const seen = new Map<string, number>();
    (Array.isArray(rawWatches) ? rawWatches : []).forEach((entry, i) => {
      const watch = watchSchema.safeParse(entry);
      if (!watch.success) return;
      const def = toDefinition(watch.data, i, baseDir, report);
      checkPublish(watch.data, i, hasSinks, report);
      if (seen.has(def.name)) report(['watches', i, 'name'], `the name '${def.name}' is already used by watches[${seen.get(def.name)}]`);
      seen.set(def.name, i);
      watches.push(def);
    });
    if (parsed.success && problems.length === 0) {
      const config = parsed.data;
      const local = (p: string | undefined): string | undefined => (p === undefined ? undefined : resolve(baseDir, p));
      return {
        file: path,
        baseDir,
        pidfile: local(config.pidfile),
        log: local(config.log),
        socket: local(config.socket),
        http: config.http === undefined ? undefined : String(config.http),
        httpTokenFile: local(config.httpTokenFile),
        drainTimeoutMs: config.drainTimeout === undefined ? undefined : config.drainTimeout * 1000,
        onDrainTimeout: config.onDrainTimeout,
        watches,
        fleet: fleetOptions(config, local),
      };
    }
  }
  const line = (problem: string): number => Number(/:(\d+):\d+: /.exec(problem.slice(path.length))?.[1] ?? 0);
  problems.sort((a, b) => line(a) - line(b));
  throw new TswatchError(`invalid config file:\n  ${problems.join('\n  ')}`, {
    code: 'EBADCONFIG',
    path,
    hint: 'fix the keys named above; `tswatch daemon --help` shows a complete example',
  });
}

/** zod's issues, each at its key (`under` the path of the value checked). */
function reportIssues(error: ZodError, under: Path, report: (at: Path, message: string) => void): void {
  for (const issue of error.issues) {
    const path = [...under, ...issue.path] as Path;
    const keys = (issue as { keys?: string[] }).keys;
    if (issue.code === 'unrecognized_keys' && keys) for (const key of keys) report([...path, key], `unknown key '${key}'`);
    else report(path, issue.message);
  }
}

/** A watch without an action publishes only: that needs sinks, and its publishing on. */
function checkPublish(watch: WatchConfig, index: number, hasSinks: boolean, report: (at: Path, message: string) => void): void {
  const at = (key?: string): Path => ['watches', index, ...(key ? [key] : [])];
  const action = ACTION_KEYS.some((key) => watch[key] !== undefined);
  if (watch.stream !== undefined) {
    if (!action) report(at(), `no action: give one of ${ACTION_KEYS.join(', ')} (a 'stream' watch's events are not published again)`);
    else if (watch.publish !== undefined)
      report(at('publish'), "a 'stream' watch's events came from the fleet: they are never published again (remove 'publish')");
  } else if (!action && !hasSinks) report(at(), `no action: give one of ${ACTION_KEYS.join(', ')}`);
  else if (!action && watch.publish === false)
    report(at('publish'), `a watch without an action only publishes: give one of ${ACTION_KEYS.join(', ')}, or remove 'publish: false'`);
  else if (watch.publish === true && !hasSinks) report(at('publish'), "there are no sinks to publish to: add top-level 'sinks:'");
  else if (watch.publish === true && watch.recipe !== undefined && recipeEntry(watch.recipe)?.watchesItself) {
    report(
      at('publish'),
      `recipe '${watch.recipe}' watches by itself: its events do not pass through the watch, so there is nothing to publish`,
    );
  }
}

/** A sink entry (a `sinks:` item, a watch's `stream:`) with the files it names resolved. */
function localSink(
  { tls, credsFile, passwordFile, ...sink }: SinkConfig,
  local: (p: string | undefined) => string | undefined,
): SinkConfig {
  return {
    ...sink,
    ...(tls && { tls: { ...tls, ca: local(tls.ca), cert: local(tls.cert), key: local(tls.key) } }),
    ...(credsFile && { credsFile: local(credsFile) }),
    ...(passwordFile && { passwordFile: local(passwordFile) }),
  };
}

/** `sinks:`, `host:` and `outbox:` as FleetOptions, the files they name resolved against the config's directory. */
function fleetOptions(config: ConfigFile, local: (p: string | undefined) => string | undefined): FleetOptions | undefined {
  if (config.sinks === undefined) return undefined;
  const sinks = config.sinks.map((sink) => localSink(sink, local));
  const outbox = config.outbox && { ...config.outbox, dir: local(config.outbox.dir) };
  return JSON.parse(JSON.stringify({ sinks, host: config.host, outbox })) as FleetOptions; // undefined keys left out
}

const list = (value: string | readonly string[] | undefined): string[] | undefined =>
  value === undefined ? undefined : typeof value === 'string' ? [value] : [...value];

/** One watch entry → a WatchDefinition; problems are reported against the entry's keys. */
function toDefinition(watch: WatchConfig, index: number, baseDir: string, report: (at: Path, message: string) => void): WatchDefinition {
  const at = (key: string): Path => ['watches', index, key];
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

/** A TswatchError as a config problem at `key`: its message without the flag name, and its hint. */
function reportError(err: unknown, key: string, report: (key: string, message: string) => void): void {
  if (!(err instanceof TswatchError)) throw err;
  report(key, `${err.message.replace(/^(--\w+|stream): /, '')}${err.hint ? ` (${err.hint})` : ''}`);
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
