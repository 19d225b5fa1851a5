import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { parseEventList, TswatchError } from '../../src/index.js';
import type { SinkConfig } from '../fleet/sink.js';
import type { SmtpOptions } from './smtp-config.js';

/** Monit-style checks run on the files a rule watches. */
export interface CheckOptions {
  /** Mail when a file's content changes (sha256 compared with the last one seen). */
  checksum?: boolean;
  /** Mail when a file's mode, owner or group changes. */
  permissions?: boolean;
  /** Mail once when a file grows above this size (bytes, or '10M', '512k', '1G'), and once when it is back below. */
  sizeAbove?: number | string;
  /** Follow the files as logs and mail the new lines matching this regular expression. */
  match?: string;
  /** Flags for `match` ('i' for case-insensitive). */
  matchFlags?: string;
}

/** One rule: what is watched, which events and checks count, who is told. Plain data, so a config file can hold it. */
export interface AlertRule {
  /** Shown in subjects and the unit of throttling; defaults to the first path. */
  name?: string;
  /** Files or directories. A file is watched through its directory, so a replaced or rotated file is followed. */
  paths: string[];
  /**
   * Event names as inotifywait spells them. Default DEFAULT_EVENTS; with `checksum` or `permissions`,
   * TAMPER_EVENTS (a new, deleted or moved file is a change to the tree those checks guard); with only
   * `sizeAbove` / `match`, none (a log's rotation is its normal life, not news).
   */
  events?: string[];
  /** picomatch globs a pathname must match: absolute, relative to the watched directory, or (no '/') the name. */
  glob?: string[];
  /** Same globs: paths never mailed about. */
  ignore?: string[];
  /** Watch directories below too, including those created later. */
  recursive?: boolean;
  checks?: CheckOptions;
  /** Recipients of this rule's mails instead of `mail.to`. */
  to?: string[];
  /** With `stream`: picomatch globs on the host an event comes from (default: every host). */
  hosts?: string[];
}

export interface MailOptions {
  to: string[];
  /** Default: tswatch@<hostname>. */
  from?: string;
  /** Default: '[tswatch]'. */
  subjectPrefix?: string;
}

/** Everything `AlertEmail` takes. Durations are in seconds (decimals allowed), as a config file would say them. */
export interface AlertOptions {
  rules: AlertRule[];
  mail: MailOptions;
  smtp?: SmtpOptions;
  /** Events within this many seconds go into one mail. Default 60. */
  window?: number;
  /** At most this many mails per rule per hour; the rest is folded into the next digest. Default 10. */
  maxPerHour?: number;
  /** While a condition (size above threshold) lasts, remind this often. Default 3600; 0: never. */
  remindAfter?: number;
  /** Where mails wait until the server accepted them. Default $TSWATCH_SPOOL or ~/.local/state/tswatch/spool. */
  spoolDir?: string;
  /** Retry backoff bounds, seconds. Default 2 … 600. */
  retryMin?: number;
  retryMax?: number;
  /** A directory with subject.eta, text.eta and/or html.eta overriding the built-in templates. */
  templateDir?: string;
  /** Add the host report (load, memory, disks of this machine) to every mail. Default true; false with `stream`. */
  hostReport?: boolean;
  /**
   * Take events from a fleet stream (nats://, redis://, mqtt://, what agents publish with --sink)
   * instead of watching here: one alerting host serves the fleet. Rule paths are then paths on the
   * watched hosts, matched without looking at this machine's files, so checks cannot be used.
   */
  stream?: string | SinkConfig;
  /**
   * With `stream`: the durable consumer's name; the broker remembers how far it got, so an alert that
   * was down gets what was published meanwhile. Default `tswatch-alert-HOSTNAME-HASH` (HASH: of the
   * rule names), stable across restarts (none on a dry run); false: none (from now, or `since`).
   */
  durable?: string | false;
  /** With `stream`: start at this time (a Date or an ISO time); with `durable`, only the first time. */
  since?: Date | string;
  /** Also POST each digest as JSON to this URL. */
  webhook?: string;
  /** Print each rendered mail instead of spooling and sending it. */
  dryRun?: boolean;
}

export const DEFAULT_EVENTS = ['create', 'delete', 'close_write', 'moved_from', 'moved_to', 'attrib', 'delete_self', 'move_self'];
/** The default events beside --checksum / --perms: the checks see content and mode; these, the tree's shape. */
export const TAMPER_EVENTS = ['create', 'delete', 'moved_from', 'moved_to', 'delete_self', 'move_self'];

/** A rule with everything parsed: what the recipe's parts work with. */
export interface ResolvedRule {
  name: string;
  paths: string[];
  mask: number;
  glob: string[];
  ignore: string[];
  recursive: boolean;
  checksum: boolean;
  permissions: boolean;
  sizeAbove: number | undefined;
  match: RegExp | undefined;
  to: string[];
  hosts: string[];
}

/** Where the events come from with `stream`. */
export interface ResolvedStream {
  config: SinkConfig;
  durable: string | undefined;
  since: Date | undefined;
}

export interface ResolvedAlertOptions {
  rules: ResolvedRule[];
  from: string;
  subjectPrefix: string;
  smtp: SmtpOptions;
  windowMs: number;
  maxPerHour: number;
  remindMs: number;
  spoolDir: string;
  retryMinMs: number;
  retryMaxMs: number;
  templateDir: string | undefined;
  hostReport: boolean;
  webhook: string | undefined;
  dryRun: boolean;
  /** Undefined: the rules' paths are watched here. */
  stream: ResolvedStream | undefined;
}

function bad(option: string, value: unknown, hint: string): TswatchError {
  return new TswatchError(`${option}: ${JSON.stringify(value)} is not valid`, { code: 'EBADOPTION', hint });
}

/** user@domain, no spaces, brackets or separators: what an SMTP envelope can carry. */
const ADDRESS = /^[^\s@<>()",;:\\[\]]+@[^\s@<>()",;:\\[\]]+$/;

/** A bad address is refused at start: spooled, it would be retried by every later run and never arrive. */
export function checkAddresses(option: string, addresses: readonly string[]): void {
  const wrong = addresses.find((a) => typeof a !== 'string' || !ADDRESS.test(a));
  if (wrong !== undefined) throw bad(option, wrong, 'give a mail address such as ops@example.com (several: comma-separated or repeated)');
}

export function seconds(option: string, value: number | string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = typeof value === 'number' ? value : Number(value);
  if (typeof value === 'string' && value.trim() === '') throw bad(option, value, `give ${option} a number of seconds, 0 or more`);
  if (!Number.isFinite(n) || n < 0) throw bad(option, value, `give ${option} a number of seconds, 0 or more`);
  return n;
}

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** '10M' → 10485760. Units are binary (k = 1024), as df and du -h print them. */
export function parseSize(option: string, value: number | string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([bkmgt]?)(?:i?b)?\s*$/i.exec(String(value));
  if (m === null) throw bad(option, value, `give ${option} a size in bytes or with a unit: 500000, 512k, 10M, 1G`);
  return Math.round(Number(m[1]) * UNITS[m[2]!.toLowerCase()]!);
}

export function parseRegex(option: string, source: string, flags = ''): RegExp {
  try {
    return new RegExp(source, flags);
  } catch (err) {
    throw bad(option, source, `not a JavaScript regular expression: ${(err as Error).message}`);
  }
}

export function defaultSpoolDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TSWATCH_SPOOL) return env.TSWATCH_SPOOL;
  const state = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(state, 'tswatch', 'spool');
}

/** Validate and fill in defaults; every mistake is named with the option, the value and the fix. */
export function resolveAlertOptions(options: AlertOptions, hostname: string): ResolvedAlertOptions {
  if (!Array.isArray(options.rules) || options.rules.length === 0) {
    throw bad('rules', options.rules, 'give at least one rule with the paths to watch');
  }
  const to = options.mail?.to ?? [];
  const rules = options.rules.map((rule, i): ResolvedRule => {
    if (!Array.isArray(rule.paths) || rule.paths.length === 0)
      throw bad(`rules[${i}].paths`, rule.paths, 'give the files or directories to watch');
    const c = rule.checks ?? {};
    const recipients = rule.to ?? to;
    if (recipients.length === 0 && !options.dryRun) throw bad('mail.to', to, 'give at least one recipient (--to ops@example.com)');
    checkAddresses(rule.to ? `rules[${i}].to` : 'mail.to', recipients);
    const hasChecks = Boolean(c.checksum || c.permissions || c.sizeAbove !== undefined || c.match !== undefined);
    if (options.stream === undefined) {
      if (rule.hosts !== undefined)
        throw bad(`rules[${i}].hosts`, rule.hosts, 'hosts choose among the hosts of a fleet stream: give `stream` too, or leave hosts out');
    } else {
      const relative = rule.paths.find((p) => !isAbsolute(p));
      if (relative !== undefined)
        throw bad(`rules[${i}].paths`, relative, 'with `stream`, give absolute paths as they are on the watched hosts');
      const check = (['checksum', 'permissions', 'sizeAbove', 'match'] as const).find((k) => c[k] !== undefined && c[k] !== false);
      if (check !== undefined) {
        throw new TswatchError(`rules[${i}].checks.${check}: checks read the files, which are on the watched hosts, not here`, {
          code: 'EBADOPTION',
          hint: 'run the alert with its checks on the watched host itself (without `stream`), or mail about the events of the stream',
        });
      }
    }
    // Checks report content, mode and size; creates, deletes and moves are events, on unless -e narrows them.
    const tamper = Boolean(c.checksum || c.permissions);
    const mask = parseEventList(rule.events ?? (tamper ? TAMPER_EVENTS : hasChecks ? [] : DEFAULT_EVENTS));
    if (mask === 0 && !hasChecks) throw bad(`rules[${i}].events`, rule.events, 'give events to mail about, or a check');
    return {
      name: rule.name ?? rule.paths[0]!,
      paths: rule.paths,
      mask,
      glob: rule.glob ?? [],
      ignore: rule.ignore ?? [],
      recursive: rule.recursive ?? false,
      checksum: c.checksum ?? false,
      permissions: c.permissions ?? false,
      sizeAbove: c.sizeAbove === undefined ? undefined : parseSize(`rules[${i}].checks.sizeAbove`, c.sizeAbove),
      match: c.match === undefined ? undefined : parseRegex(`rules[${i}].checks.match`, c.match, c.matchFlags),
      to: recipients,
      hosts: rule.hosts ?? [],
    };
  });
  if (options.mail?.from !== undefined) checkAddresses('mail.from', [options.mail.from]);
  const maxPerHour = options.maxPerHour ?? 10;
  if (!Number.isInteger(maxPerHour) || maxPerHour < 1) throw bad('maxPerHour', maxPerHour, 'give a whole number of mails, 1 or more');
  const retryMinMs = seconds('retryMin', options.retryMin, 2) * 1000;
  return {
    rules,
    from: options.mail?.from ?? `tswatch@${hostname}`,
    subjectPrefix: options.mail?.subjectPrefix ?? '[tswatch]',
    smtp: options.smtp ?? {},
    windowMs: seconds('window', options.window, 60) * 1000,
    maxPerHour,
    remindMs: seconds('remindAfter', options.remindAfter, 3600) * 1000,
    spoolDir: options.spoolDir ?? defaultSpoolDir(),
    retryMinMs,
    retryMaxMs: Math.max(retryMinMs, seconds('retryMax', options.retryMax, 600) * 1000),
    templateDir: options.templateDir,
    // A fleet's events are about other machines: this one's load and disks would mislead.
    hostReport: options.hostReport ?? options.stream === undefined,
    webhook: options.webhook,
    dryRun: options.dryRun ?? false,
    stream: resolveStream(options, rules, hostname),
  };
}

function resolveStream(options: AlertOptions, rules: ResolvedRule[], hostname: string): ResolvedStream | undefined {
  const { stream, durable, since } = options;
  if (stream === undefined) {
    if (durable !== undefined) throw bad('durable', durable, 'a durable consumer reads a fleet stream: give `stream` too');
    if (since !== undefined) throw bad('since', since, '`since` is where reading a fleet stream starts: give `stream` too');
    return undefined;
  }
  const config = typeof stream === 'string' ? { url: stream } : stream;
  if (typeof config?.url !== 'string')
    throw bad('stream', stream, 'give nats://HOST:4222/SUBJECT, redis://HOST:6379/STREAM or mqtt://HOST:1883/TOPIC');
  const start = since === undefined ? undefined : new Date(since);
  if (start !== undefined && Number.isNaN(start.getTime())) throw bad('since', since, 'give an ISO time such as 2026-11-26T01:00:00Z');
  if (typeof durable === 'string' && !/^[A-Za-z0-9_-]+$/.test(durable)) {
    throw bad('durable', durable, 'a consumer name of letters, digits, - and _ (what NATS, Redis and MQTT all accept)');
  }
  // A dry run takes no events from the real alert's default consumer.
  const fallback = options.dryRun ? undefined : defaultDurable(hostname, rules);
  return { config, durable: durable === false ? undefined : (durable ?? fallback), since: start };
}

/** Stable across restarts of the same alert on the same machine; another machine or other rules get their own. */
export function defaultDurable(hostname: string, rules: ResolvedRule[]): string {
  const hash = createHash('sha256')
    .update(rules.map((r) => r.name).join('\n'))
    .digest('hex')
    .slice(0, 8);
  return `tswatch-alert-${hostname.replace(/[^A-Za-z0-9_-]+/g, '_')}-${hash}`;
}
