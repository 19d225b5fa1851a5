import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseEventList, TswatchError } from '../../src/index.js';
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
  /** Event names as inotifywait spells them; default DEFAULT_EVENTS, or none when the rule has checks. */
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
  /** Add the host report (load, memory, disks) to every mail. Default true. */
  hostReport?: boolean;
  /** Also POST each digest as JSON to this URL. */
  webhook?: string;
  /** Print each rendered mail instead of spooling and sending it. */
  dryRun?: boolean;
}

export const DEFAULT_EVENTS = ['create', 'delete', 'close_write', 'moved_from', 'moved_to', 'attrib', 'delete_self', 'move_self'];

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
}

function bad(option: string, value: unknown, hint: string): TswatchError {
  return new TswatchError(`${option}: ${JSON.stringify(value)} is not valid`, { code: 'EBADOPTION', hint });
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

function regex(option: string, source: string, flags = ''): RegExp {
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
    if (!Array.isArray(rule.paths) || rule.paths.length === 0) throw bad(`rules[${i}].paths`, rule.paths, 'give the files or directories to watch');
    const c = rule.checks ?? {};
    const recipients = rule.to ?? to;
    if (recipients.length === 0 && !options.dryRun) throw bad('mail.to', to, 'give at least one recipient (--to ops@example.com)');
    const hasChecks = Boolean(c.checksum || c.permissions || c.sizeAbove !== undefined || c.match !== undefined);
    // A rule with checks mails what the checks find; events too only when asked for.
    const mask = parseEventList(rule.events ?? (hasChecks ? [] : DEFAULT_EVENTS));
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
      sizeAbove: c.sizeAbove === undefined ? undefined : parseSize('sizeAbove', c.sizeAbove),
      match: c.match === undefined ? undefined : regex('match', c.match, c.matchFlags),
      to: recipients,
    };
  });
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
    hostReport: options.hostReport ?? true,
    webhook: options.webhook,
    dryRun: options.dryRun ?? false,
  };
}
