import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import {
  ALL_EVENTS,
  type Event,
  IN_CREATE,
  IN_DELETE,
  IN_IGNORED,
  IN_MASK_ADD,
  IN_Q_OVERFLOW,
  inotifywaitNames,
  Notifier,
  type TswatchError,
  WatchManager,
} from '../../src/index.js';
import { denied } from '../permission-denied.js';
import { type AlertOptions, resolveAlertOptions, type ResolvedAlertOptions, type ResolvedRule } from './alert-options.js';
import { BaselineStore } from './baseline-store.js';
import { type Digest, DigestQueue, type Finding } from './digest-queue.js';
import { FileChecks } from './file-checks.js';
import { filesUnder } from './files-under.js';
import { FindingsJournal } from './findings-journal.js';
import { KeyedSerial } from './keyed-serial.js';
import { LogTail } from './log-tail.js';
import { openMailPipeline, type MailPipeline } from './mail-pipeline.js';
import { CHECK_EVENTS, RuleMatcher, TAIL_EVENTS } from './rule-matcher.js';
import { smtpTransportConfig } from './smtp-config.js';
import { type Unreadable, unreadableError } from './unreadable-error.js';
import type { FollowedStream } from '../fleet/follow-stream.js';

export interface AlertEmailIO {
  /** Where --dry-run prints the mails. Default process.stdout. */
  dryRunOut?: Writable;
  /** CPU sample for the host report, ms (tests make it short). */
  cpuSampleMs?: number;
}

/** Files looked at when the checks start; past this a directory's files get checked from their first event. */
const BASELINE_LIMIT = 10_000;
/** How often the checks' baselines are saved when they changed (a kill loses at most this much: a re-report, never a miss). */
const BASELINE_SAVE_MS = 5000;

interface ActiveRule {
  index: number;
  rule: ResolvedRule;
  matcher: RuleMatcher;
  queue: DigestQueue;
  checks: FileChecks;
  tails: Map<string, LogTail>;
  /** Where the checks' baseline is kept across restarts (none on a dry run, with a stream, or without checks). */
  store: BaselineStore | undefined;
  savedVersion: number;
}

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
  private readonly rules: ActiveRule[] = [];
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
    smtpTransportConfig(this.options.smtp); // a bad SMTP setting is named now, not at the first alert
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
    for (const name of ['sent', 'retry', 'problem', 'failed', 'error'] as const) pipeline.outbox.on(name, (...args) => this.emit(name, ...args));

    o.rules.forEach((rule, index) => this.rules.push(this.activate(rule, index)));
    this.recoverOrphans();
    try {
      if (o.stream) {
        const { followStream } = await import('../fleet/follow-stream.js'); // broker clients only when used
        this.input = await followStream(o.stream, (event, time) => this.onEvent(event, time.getTime()), (err) => this.emit('error', err));
      }
      else await this.watch();
    } catch (err) {
      await pipeline.outbox.close();
      throw err;
    }
  }

  private async watch(): Promise<void> {
    const wm = new WatchManager();
    try {
      for (const r of this.rules) this.addWatches(r, wm);
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
    await Promise.all(this.rules.map((r) => this.baseline(r)));
    this.saveTimer = setInterval(() => this.saveBaselines(), BASELINE_SAVE_MS).unref();
  }

  /** Save the baselines that changed since they were last saved. */
  private saveBaselines(): void {
    for (const r of this.rules) {
      if (r.store === undefined || r.checks.version === r.savedVersion) continue;
      r.savedVersion = r.checks.version;
      try {
        r.store.save(r.checks.snapshot());
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
    for (const r of this.rules) {
      r.queue.flushNow();
      r.queue.close();
      for (const tail of r.tails.values()) await tail.close();
    }
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
    if (findings.length === 0) return done();
    for (const { rule, ...finding } of findings) (this.rules.find((r) => r.rule.name === rule) ?? this.rules[0])?.queue.add(finding);
    done();
    this.emit('recovered', findings.length, processes);
  }

  /** Resolves once every check and log read started so far has finished (tests, mostly). */
  settled(): Promise<void> {
    return this.serial.idle();
  }

  private activate(rule: ResolvedRule, index: number): ActiveRule {
    // (With a stream too: an agent on this machine may publish the spool's changes.)
    const ignored = this.options.dryRun ? [] : [resolve(this.options.spoolDir)];
    const matcher = new RuleMatcher(rule, ignored, this.options.stream !== undefined);
    const journal = this.journal;
    const queue = new DigestQueue(
      {
        rule: rule.name,
        windowMs: this.options.windowMs,
        maxPerHour: this.options.maxPerHour,
        remindMs: this.options.remindMs,
        ...(journal && { journal: (finding: Finding) => journal.append(rule.name, finding) }),
      },
      (digest) => this.mail(digest, rule.to, journal?.cut(rule.name)),
      (windowMs) => this.emit('window', rule.name, windowMs),
    );
    const checks = new FileChecks(rule, queue, (path, err) => this.skipUnreadable(path, err, 'checksum'));
    const keeps = checks.active && !this.options.dryRun && this.options.stream === undefined;
    const store = keeps ? new BaselineStore(join(this.options.spoolDir, 'baselines'), rule) : undefined;
    return { index, rule, matcher, queue, checks, tails: new Map(), store, savedVersion: -1 };
  }

  private addWatches({ rule, matcher, checks }: ActiveRule, wm: WatchManager): void {
    let mask = rule.mask;
    if (checks.active) mask |= CHECK_EVENTS;
    if (rule.match) mask |= TAIL_EVENTS;
    for (const target of matcher.targets) {
      // IN_MASK_ADD: rules sharing a directory add up their events instead of replacing each other's.
      const wds = wm.addWatch(target.watchPath, mask | IN_MASK_ADD, { rec: target.isDir && rule.recursive, autoAdd: target.isDir && rule.recursive, quiet: false });
      // Directories below that could not be watched (the path itself throws): named, the rest goes on.
      for (const [path, wd] of Object.entries(wds)) {
        if (wd >= 0) continue;
        const err = wm.errors.get(path);
        if (err === undefined || denied(err)) this.skipUnreadable(path, err, 'directory');
        else this.emit('error', err);
      }
    }
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

  /** Record what the files look like now, and start following logs at their current end. */
  private async baseline(r: ActiveRule): Promise<void> {
    if (!r.checks.active && !r.rule.match) return;
    const files: string[] = [];
    for (const target of r.matcher.targets) {
      if (!target.isDir) files.push(target.path);
      else files.push(...filesUnder(target.path, r.rule.recursive, (dir, err) => this.skipUnreadable(dir, err, 'directory')).filter((f) => r.matcher.targetFor(f)));
    }
    const looked = files.slice(0, BASELINE_LIMIT);
    // The last run's look at these files: what differs now changed while no alert ran.
    const saved = r.store?.load();
    if (saved !== undefined) r.checks.restore(new Map(saved));
    for (const file of looked) {
      if (r.checks.active) await this.serial.run(`check:${r.index}:${file}`, () => r.checks.check(file, saved?.has(file)));
      if (r.rule.match) await this.readTail(r, file, 'start');
    }
    if (saved !== undefined) this.reportOffline(r, saved, looked);
    this.saveBaselines();
  }

  /** Files created or deleted while no alert ran (the last run's baseline against this one's). */
  private reportOffline(r: ActiveRule, saved: ReadonlyMap<string, unknown>, looked: readonly string[]): void {
    const time = Date.now();
    const now = new Set(looked);
    for (const path of saved.keys()) {
      if (now.has(path) || existsSync(path)) continue;
      r.checks.forget(path);
      if (r.rule.mask & IN_DELETE) r.queue.add({ time, path, kind: 'event', what: 'deleted while tswatch was not running' });
    }
    if (!(r.rule.mask & IN_CREATE)) return;
    for (const path of looked) if (!saved.has(path)) r.queue.add({ time, path, kind: 'event', what: 'created while tswatch was not running' });
  }

  /** Follow `file` from its end (`start`) or read what is new (`poke`); a log tswatch may not read is named once. */
  private readTail(r: ActiveRule, file: string, how: 'start' | 'poke'): Promise<void> {
    const tail = this.tailFor(r, file);
    return this.serial.run(`tail:${r.index}:${file}`, () =>
      tail[how]().catch((err: unknown) => {
        if (!denied(err)) throw err;
        this.skipUnreadable(file, err, 'match');
      }),
    );
  }

  private tailFor(r: ActiveRule, file: string): LogTail {
    let tail = r.tails.get(file);
    if (tail === undefined) {
      const match = r.rule.match!;
      tail = new LogTail(file, (line) => {
        if (match.test(line)) r.queue.add({ time: Date.now(), path: file, kind: 'match', what: `matched /${match.source}/`, detail: line });
      });
      r.tails.set(file, tail);
    }
    return tail;
  }

  /** An event from the local watch, or from a fleet stream (`event.host` set, `time` when it happened). */
  private onEvent(event: Event, time = Date.now()): void {
    if (event.mask & IN_IGNORED) return;
    this.eventCount++;
    // A fleet's findings name their host: HOST:/path.
    const where = (path: string): Pick<Finding, 'path' | 'host'> => (event.host === undefined ? { path } : { path: `${event.host}:${path}`, host: event.host });
    if (event.mask & IN_Q_OVERFLOW) {
      const what = 'kernel event queue overflowed: events were lost; tswatch rescanned the watched directories';
      for (const r of this.rules) if (event.host === undefined || r.matcher.fromHost(event.host)) r.queue.add({ time, ...where('(all watched paths)'), kind: 'event', what });
      return;
    }
    const bits = event.mask & ALL_EVENTS;
    for (const r of this.rules) {
      if (!r.matcher.matches(event)) continue;
      const path = event.pathname;
      if (bits & r.rule.mask) {
        const finding: Finding = { time, ...where(path), kind: 'event', what: inotifywaitNames(event.mask) };
        if (event.src_pathname) finding.detail = `from ${event.src_pathname}`;
        r.queue.add(finding);
      }
      if (event.dir) continue;
      if (r.checks.active && bits & CHECK_EVENTS) void this.serial.run(`check:${r.index}:${path}`, () => r.checks.check(path));
      if (r.rule.match && bits & TAIL_EVENTS) {
        // A log first seen now (created later, or past the baseline limit) is read from its start.
        void this.readTail(r, path, 'poke');
      }
    }
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
