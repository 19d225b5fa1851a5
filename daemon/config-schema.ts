import { z } from 'zod';
import { recipeEntry } from './action-registry.js';
import { BUSY_POLICIES } from './command-runner.js';
import { fleetHost, FSYNC_POLICIES, outboxBytes } from '../recipes/fleet/fleet-settings.js';
import { checked, file, sinkSchema, size } from './sink-schema.js';

/** One list of strings, or a single string (`events: close_write,moved_to`, `paths: src`). */
const strings = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)], {
  error: 'a string or a non-empty list of strings (quote values YAML would read as numbers or booleans)',
});
/** A command: argv words (run directly), or one string (a /bin/sh script, values as "$1"/TSWATCH_*). */
const command = z.union([z.string().min(1), z.array(z.string()).min(1)], {
  error:
    "a list of argv words ([make, '{path}']) or one /bin/sh script string; quote words YAML would read as booleans or numbers ('true', '1')",
});
const seconds = z.number().nonnegative();
const signal = z.string().regex(/^(SIG)?[A-Z0-9]+$/i, 'a signal name such as TERM, INT, HUP');

/** Keys of a `stream:` watch only (a stream's origin hosts, durable consumer, start time). */
const STREAM_KEYS = ['hosts', 'durable', 'since'] as const;

/** What a watch entry says about what to watch (a recipe that watches by itself takes none). */
const WATCH_KEYS = [
  'paths',
  'events',
  'recursive',
  'exclude',
  'excludei',
  'include',
  'includei',
  'glob',
  'ignore',
  'dirs',
  'onlyDirs',
  'stream',
  ...STREAM_KEYS,
] as const;

/** The action keys: exactly one per watch. */
export const ACTION_KEYS = ['exec', 'restart', 'handler', 'recipe'] as const;

/** Options that only make sense with one action: named so a misplaced one is reported. */
const ACTION_OPTIONS: Record<string, readonly string[]> = {
  batch: ['exec'],
  onBusy: ['exec'],
  ignoreOwn: ['exec'],
  startRetries: ['restart'],
  startSecs: ['restart'],
  backoff: ['restart'],
  shell: ['exec', 'restart'],
  signal: ['exec', 'restart'],
  killAfter: ['exec', 'restart'],
  debounce: ['exec', 'restart'],
  cwd: ['exec', 'restart'],
  options: ['handler', 'recipe'],
};

export const watchSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[\w.-]+$/, 'letters, digits, ".", "_" and "-" only')
      .optional(),
    paths: strings.optional(),
    events: strings.optional(),
    recursive: z.boolean().optional(),
    exclude: strings.optional(),
    excludei: strings.optional(),
    include: strings.optional(),
    includei: strings.optional(),
    glob: strings.optional(),
    ignore: strings.optional(),
    dirs: z.boolean().optional(),
    onlyDirs: z.boolean().optional(),
    /** A fleet stream instead of local paths, named as a sink is. */
    stream: sinkSchema.optional(),
    hosts: strings.optional(),
    durable: z
      .string()
      .regex(/^[\w-]+$/, 'letters, digits, "_" and "-" only (a consumer name every broker accepts)')
      .optional(),
    since: z.string().min(1).optional(),
    exec: command.optional(),
    restart: command.optional(),
    handler: z.string().min(1).optional(),
    recipe: z.string().min(1).optional(),
    options: z.record(z.string(), z.unknown()).optional(),
    shell: z.boolean().optional(),
    batch: z.boolean().optional(),
    debounce: z.number().nonnegative().optional(),
    onBusy: z.enum(BUSY_POLICIES).optional(),
    ignoreOwn: z.boolean().optional(),
    signal: signal.optional(),
    killAfter: seconds.optional(),
    startRetries: z.number().int().nonnegative().optional(),
    startSecs: seconds.optional(),
    backoff: z.number().nonnegative().optional(),
    cwd: z.string().optional(),
    /** false: this watch's events are not sent to the top-level sinks. */
    publish: z.boolean().optional(),
  })
  .superRefine((watch, ctx) => {
    const actions = ACTION_KEYS.filter((key) => watch[key] !== undefined);
    if (actions.length > 1) {
      ctx.addIssue({ code: 'custom', message: `one action per watch, not ${actions.join(' and ')}`, path: [actions[1]!] });
      return;
    }
    // No action: the watch only publishes to the top-level sinks (checked by the loader, which sees them).
    const self = watch.recipe !== undefined && recipeEntry(watch.recipe)?.watchesItself;
    if (self) {
      for (const key of WATCH_KEYS) {
        if (watch[key] !== undefined)
          ctx.addIssue({ code: 'custom', message: `recipe '${watch.recipe}' watches what its options name: remove '${key}'`, path: [key] });
      }
    } else if (watch.stream !== undefined) {
      if (watch.recursive !== undefined)
        ctx.addIssue({
          code: 'custom',
          message: "a 'stream' watch filters by path prefix, whatever depth: remove 'recursive'",
          path: ['recursive'],
        });
      if (watch.ignoreOwn !== undefined)
        ctx.addIssue({
          code: 'custom',
          message: "events from a fleet stream are other hosts' changes: remove 'ignoreOwn'",
          path: ['ignoreOwn'],
        });
    } else if (watch.paths === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: "required: the files or directories to watch (or 'stream': a fleet stream)",
        path: ['paths'],
      });
    }
    for (const key of STREAM_KEYS) {
      if (watch[key] !== undefined && watch.stream === undefined)
        ctx.addIssue({ code: 'custom', message: `'${key}' applies to a watch with 'stream' (a fleet stream) only`, path: [key] });
    }
    for (const [key, allowed] of Object.entries(ACTION_OPTIONS)) {
      if (watch[key as keyof typeof watch] !== undefined && !allowed.includes(actions[0]!)) {
        ctx.addIssue({
          code: 'custom',
          message: `'${key}' applies to ${allowed.join(' and ')} only, not ${actions[0] ?? 'a watch without an action'}`,
          path: [key],
        });
      }
    }
  });

export const configSchema = z.strictObject({
  /** Daemon settings; the command line overrides them. */
  pidfile: z.string().optional(),
  log: z.string().optional(),
  socket: z.string().optional(),
  /** Web page and JSON API: HOST:PORT (or a port, on 127.0.0.1); also --http. */
  http: z.union([z.string().min(1), z.number().int().min(0).max(65535)]).optional(),
  /** File holding the token the web page and API require (required off loopback); also --http-token-file. */
  httpTokenFile: z.string().min(1).optional(),
  /** Seconds a stopping watch may take to finish the work already triggered. */
  drainTimeout: seconds.optional(),
  /** Events still queued when drainTimeout runs out: keep (run by the new unit or the next start) or drop (counted). */
  onDrainTimeout: z.enum(['keep', 'drop']).optional(),
  /** Where every watch's events are sent too (as --sink), this machine's name in them, their outbox. */
  sinks: z.array(sinkSchema).min(1, 'at least one sink (or leave sinks out)').optional(),
  host: z
    .string()
    .superRefine(checked((host) => fleetHost('host', host)))
    .optional(),
  outbox: z
    .strictObject({ dir: file.optional(), maxBytes: size('maxBytes', outboxBytes).optional(), fsync: z.enum(FSYNC_POLICIES).optional() })
    .optional(),
  watches: z.array(watchSchema).min(1, 'at least one watch'),
});

export type WatchConfig = z.infer<typeof watchSchema>;
export type ConfigFile = z.infer<typeof configSchema>;
