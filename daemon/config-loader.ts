import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { TswatchError } from '../src/index.js';
import type { FleetOptions } from '../recipes/fleet/index.js';
import { recipeEntry } from './action-registry.js';
import type { WatchDefinition } from './automation-engine.js';
import { type KeyPath, keyPath, offsetOf, type ReportProblem, reportIssues } from './config-problems.js';
import { ACTION_KEYS, configSchema, type WatchConfig, watchSchema } from './config-schema.js';
import { fleetOptions } from './fleet-config.js';
import { toDefinition } from './watch-definition.js';

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
  const report = (at: KeyPath, message: string): void =>
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

/** A watch without an action publishes only: that needs sinks, and its publishing on. */
function checkPublish(watch: WatchConfig, index: number, hasSinks: boolean, report: ReportProblem): void {
  const at = (key?: string): KeyPath => ['watches', index, ...(key ? [key] : [])];
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
