import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { type Event, IN_IGNORED, IN_Q_OVERFLOW, Notifier, type TswatchError, WatchManager } from '../../src/index.js';
import type { FollowedStream } from '../fleet/follow-stream.js';
import { denied } from '../permission-denied.js';
import { type AlertOptions, type ResolvedAlertOptions, resolveAlertOptions } from './alert-options.js';
import { AlertRule, type RuleContext } from './alert-rule.js';
import type { Digest, Finding } from './digest-queue.js';
import { FindingsJournal } from './findings-journal.js';
import { KeyedSerial } from './keyed-serial.js';
import { type MailPipeline, openMailPipeline } from './mail-pipeline.js';
import { smtpTransportConfig } from './smtp-config.js';
import { type Unreadable, unreadableError } from './unreadable-error.js';

export interface AlertEmailIO {
  /** Where --dry-run prints the mails. Default process.stdout. */
  dryRunOut?: Writable;
  /** CPU sample for the host report, ms (tests make it short). */
  cpuSampleMs?: number;
}

/** How often the checks' baselines are saved when they changed (a kill loses at most this much: a re-report, never a miss). */
const BASELINE_SAVE_MS = 5000;

/**
 * Mail when watched files change: rule events and monit-style checks, gathered into digests, throttled,
 * written to a spool and sent with retries (see AlertOptions). `start()` sends what an earlier run left
 * in the spool; `stop()` spools what is pending, so nothing is lost across restarts. With `stream`, the
 * events come from a fleet stream instead of a local watch (findings named HOST:/path).
 *
 * Events: `window` (rule name, ms: findings are being gathered), `digest` (digest), `spooled` (entries), `sent` (entry), `retry` (entry, err),
 * `problem` (DeliveryProblem, entry: a setting at fault, said once, retries go on), `failed` (entry, err),
 * `warning` (message: a custom template failed, the built-in one was used), `error` (err; a directory or
 * file tswatch may not read is one too, said once per path: the rest goes on), `recovered` (findings,
 * processes: what alerts that were killed had not mailed, now in this one's digests).
 */
export class AlertEmail extends EventEmitter {
  readonly options: ResolvedAlertOptions;
  private readonly io: AlertEmailIO;
  private pipeline: MailPipeline | undefined;
  private notifier: Notifier | undefined;
  private input: FollowedStream | undefined;
  private readonly rules: AlertRule[] = [];
  private readonly serial = new KeyedSerial((err) => this.emit('error', err));
  private readonly sending = new Set<Promise<unknown>>();
  private eventCount = 0;
  /** Findings of open windows, on disk until their digest is spooled (none on a dry run). */
  private readonly journal: FindingsJournal | undefined;
  private saveTimer: NodeJS.Timeout | undefined;
  /** Paths skipped because tswatch may not read them (what: path), each said once. */
  private readonly unreadable = new Set<string>();

  constructor(options: AlertOptions, io: AlertEmailIO = {}) {
    super();
    this.options = resolveAlertOptions(options, hostname());
    smtpTransportConfig(this.options.smtp, process.env, !this.options.dryRun); // a bad SMTP setting is named now, not at the first alert
    this.io = io;
    this.journal = this.options.dryRun ? undefined : new FindingsJournal(this.options.spoolDir);
  }

  get outbox() {
    return this.pipeline?.outbox;
  }

  /** What is watched, for a status page: the rules' paths (none with a stream), kernel watches held, events taken. */
  watching(): { paths: string[]; watches: number; events: number } {
    const paths = this.options.stream ? [] : [...new Set(this.options.rules.flatMap((r) => r.paths.map((p) => resolve(p))))];
    return { paths, watches: this.notifier?.watchManager.size ?? 0, events: this.eventCount };
  }

  async start(): Promise<void> {
    const o = this.options;
    const pipeline = openMailPipeline({
      ...o,
      hostReportPaths: o.hostReport ? (o.stream ? ['/'] : o.rules.flatMap((r) => r.paths.map((p) => resolve(p)))) : undefined,
      dryRunOut: o.dryRun ? (this.io.dryRunOut ?? process.stdout) : undefined,
      ...(this.io.cpuSampleMs === undefined ? {} : { cpuSampleMs: this.io.cpuSampleMs }),
      onWarning: (message) => this.emit('warning', message),
    });
    this.pipeline = pipeline;
    for (const name of ['sent', 'retry', 'problem', 'failed', 'error'] as const)
      pipeline.outbox.on(name, (...args) => this.emit(name, ...args));

    const context: RuleContext = {
      options: o,
      journal: this.journal,
      serial: this.serial,
      mail: (digest, to, spooled) => this.mail(digest, to, spooled),
      window: (rule, ms) => this.emit('window', rule, ms),
      skipUnreadable: (path, err, what) => this.skipUnreadable(path, err, what),
      error: (err) => this.emit('error', err),
    };
    for (const [index, rule] of o.rules.entries()) this.rules.push(new AlertRule(rule, index, context));
    this.recoverOrphans();
    try {
      if (o.stream) {
        const { followStream } = await import('../fleet/follow-stream.js'); // broker clients only when used
        this.input = await followStream(
          o.stream,
          (event, time) => this.onEvent(event, time.getTime()),
          (err) => this.emit('error', err),
        );
      } else await this.watch();
    } catch (err) {
      await pipeline.outbox.close();
      throw err;
    }
  }

  private async watch(): Promise<void> {
    const wm = new WatchManager();
    try {
      for (const r of this.rules) r.addWatches(wm);
    } catch (err) {
      wm.close();
      throw err;
    }
    this.notifier = new Notifier(wm, (event: Event) => this.onEvent(event));
    // A directory created or moved in later that cannot be watched costs that directory only.
    this.notifier.on('error', (err: Error) => {
      const path = (err as TswatchError).path;
      if (path !== undefined && denied(err)) this.skipUnreadable(path, err, 'directory');
      else this.emit('error', err);
    });
    this.notifier.start();
    await this.notifier.ready();
    await Promise.all(
      this.rules.map(async (r) => {
        await r.baseline();
        this.saveBaselines();
      }),
    );
    this.saveTimer = setInterval(() => this.saveBaselines(), BASELINE_SAVE_MS).unref();
  }

  /** Save the baselines that changed since they were last saved. */
  private saveBaselines(): void {
    for (const r of this.rules) {
      try {
        r.saveBaseline();
      } catch (err) {
        this.emit('error', err);
      }
    }
  }

  /** Stop watching; pending digests go to the spool now (sent by the next run if not by this one). */
  async stop(): Promise<void> {
    this.notifier?.stop();
    await this.input?.stop();
    await this.serial.idle();
    clearInterval(this.saveTimer);
    this.saveBaselines();
    for (const r of this.rules) await r.close();
    while (this.sending.size > 0) await Promise.all(this.sending);
    this.journal?.close();
    await this.pipeline?.outbox.close();
  }

  /**
   * Findings an alert that was killed had journaled and not mailed go into this one's digests (under
   * their rule, or the first rule if the config no longer has it); their journal goes once they are in ours.
   */
  private recoverOrphans(): void {
    if (this.journal === undefined) return;
    const { findings, processes, done } = this.journal.orphans();
    if (findings.length === 0) {
      done();
      return;
    }
    for (const { rule, ...finding } of findings) (this.rules.find((r) => r.rule.name === rule) ?? this.rules[0])?.queue.add(finding);
    done();
    this.emit('recovered', findings.length, processes);
  }

  /** Resolves once every check and log read started so far has finished (tests, mostly). */
  settled(): Promise<void> {
    return this.serial.idle();
  }

  /** Say once that `path` is not watched, checked or followed (`what`) because tswatch may not read it. */
  private skipUnreadable(path: string, err: unknown, what: Unreadable): void {
    const key = `${what}:${path}`;
    if (this.unreadable.has(key)) return;
    this.unreadable.add(key);
    const error = unreadableError(path, err, what);
    if (this.listenerCount('error') > 0) this.emit('error', error);
    else process.emitWarning(error.describe()); // never silent, never a crash for a program without a listener
  }

  /** An event from the local watch, or from a fleet stream (`event.host` set, `time` when it happened). */
  private onEvent(event: Event, time = Date.now()): void {
    if (event.mask & IN_IGNORED) return;
    this.eventCount++;
    // A fleet's findings name their host: HOST:/path.
    const where = (path: string): Pick<Finding, 'path' | 'host'> =>
      event.host === undefined ? { path } : { path: `${event.host}:${path}`, host: event.host };
    if (event.mask & IN_Q_OVERFLOW) {
      const what = 'kernel event queue overflowed: events were lost; tswatch rescanned the watched directories';
      for (const r of this.rules)
        if (event.host === undefined || r.matcher.fromHost(event.host))
          r.queue.add({ time, ...where('(all watched paths)'), kind: 'event', what });
      return;
    }
    for (const r of this.rules) if (r.matcher.matches(event)) r.onEvent(event, where(event.pathname), time);
  }

  /** `spooled`: the digest's findings may leave the journal (the mail is in the spool). */
  private mail(digest: Digest, to: string[], spooled?: () => void): void {
    this.emit('digest', digest);
    const sending = this.pipeline!.mailer.send(digest, to).then(
      (entries) => {
        spooled?.();
        if (entries.length) this.emit('spooled', entries);
      },
      (err: unknown) => this.emit('error', err),
    );
    this.sending.add(sending);
    void sending.finally(() => this.sending.delete(sending));
  }
}
