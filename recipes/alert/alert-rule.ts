import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ALL_EVENTS, type Event, IN_CREATE, IN_DELETE, IN_MASK_ADD, inotifywaitNames, type WatchManager } from '../../src/index.js';
import { writerText } from '../../handlers/writer-text.js';
import { denied } from '../permission-denied.js';
import type { ResolvedAlertOptions, ResolvedRule } from './alert-options.js';
import { BaselineStore } from './baseline-store.js';
import { type Digest, DigestQueue, type Finding } from './digest-queue.js';
import { FileChecks } from './file-checks.js';
import { filesUnder } from './files-under.js';
import type { FindingsJournal } from './findings-journal.js';
import type { KeyedSerial } from './keyed-serial.js';
import { LogTail } from './log-tail.js';
import { CHECK_EVENTS, RuleMatcher, TAIL_EVENTS } from './rule-matcher.js';
import type { Unreadable } from './unreadable-error.js';

/** Files looked at when the checks start; past this a directory's files get checked from their first event. */
const BASELINE_LIMIT = 10_000;

/** What a rule needs from the AlertEmail that runs it. */
export interface RuleContext {
  options: ResolvedAlertOptions;
  /** Findings of open windows, on disk until their digest is spooled (none on a dry run). */
  journal: FindingsJournal | undefined;
  /** Checks and log reads of one file run one after another. */
  serial: KeyedSerial;
  /** Mail a digest; `spooled` says its findings may leave the journal. */
  mail(digest: Digest, to: string[], spooled?: () => void): void;
  /** A window opened: findings are being gathered for `ms`. */
  window(rule: string, ms: number): void;
  /** `path` is not watched, checked or followed (`what`) because tswatch may not read it. */
  skipUnreadable(path: string, err: unknown, what: Unreadable): void;
  /** A watch error that is not about permissions. */
  error(err: unknown): void;
}

/** One alert rule at work: its matcher, its digest queue, its checks with their baseline, and the logs it follows. */
export class AlertRule {
  readonly matcher: RuleMatcher;
  readonly queue: DigestQueue;
  private readonly checks: FileChecks;
  private readonly tails = new Map<string, LogTail>();
  /** Where the checks' baseline is kept across restarts (none on a dry run, with a stream, or without checks). */
  private readonly store: BaselineStore | undefined;
  private savedVersion = -1;

  constructor(
    readonly rule: ResolvedRule,
    private readonly index: number,
    private readonly ctx: RuleContext,
  ) {
    const o = ctx.options;
    // (With a stream too: an agent on this machine may publish the spool's changes.)
    const ignored = o.dryRun ? [] : [resolve(o.spoolDir)];
    this.matcher = new RuleMatcher(rule, ignored, o.stream !== undefined);
    const journal = ctx.journal;
    this.queue = new DigestQueue(
      {
        rule: rule.name,
        windowMs: o.windowMs,
        maxPerHour: o.maxPerHour,
        remindMs: o.remindMs,
        ...(journal && { journal: (finding: Finding) => journal.append(rule.name, finding) }),
      },
      (digest) => ctx.mail(digest, rule.to, journal?.cut(rule.name)),
      (windowMs) => ctx.window(rule.name, windowMs),
    );
    this.checks = new FileChecks(rule, this.queue, (path, err) => ctx.skipUnreadable(path, err, 'checksum'));
    const keeps = this.checks.active && !o.dryRun && o.stream === undefined;
    this.store = keeps ? new BaselineStore(join(o.spoolDir, 'baselines'), rule) : undefined;
  }

  addWatches(wm: WatchManager): void {
    let mask = this.rule.mask;
    if (this.checks.active) mask |= CHECK_EVENTS;
    if (this.rule.match) mask |= TAIL_EVENTS;
    for (const target of this.matcher.targets) {
      const rec = target.isDir && this.rule.recursive;
      // IN_MASK_ADD: rules sharing a directory add up their events instead of replacing each other's.
      const wds = wm.addWatch(target.watchPath, mask | IN_MASK_ADD, { rec, autoAdd: rec, quiet: false });
      // Directories below that could not be watched (the path itself throws): named, the rest goes on.
      for (const [path, wd] of Object.entries(wds)) {
        if (wd >= 0) continue;
        const err = wm.errors.get(path);
        if (err === undefined || denied(err)) this.ctx.skipUnreadable(path, err, 'directory');
        else this.ctx.error(err);
      }
    }
  }

  /** Record what the files look like now, and start following logs at their current end. */
  async baseline(): Promise<void> {
    if (!this.checks.active && !this.rule.match) return;
    const files: string[] = [];
    for (const target of this.matcher.targets) {
      if (!target.isDir) files.push(target.path);
      else {
        const under = filesUnder(target.path, this.rule.recursive, (dir, err) => this.ctx.skipUnreadable(dir, err, 'directory'));
        files.push(...under.filter((f) => this.matcher.targetFor(f)));
      }
    }
    const looked = files.slice(0, BASELINE_LIMIT);
    // The last run's look at these files: what differs now changed while no alert ran.
    const saved = this.store?.load();
    if (saved !== undefined) this.checks.restore(new Map(saved));
    for (const file of looked) {
      if (this.checks.active) await this.ctx.serial.run(`check:${this.index}:${file}`, () => this.checks.check(file, saved?.has(file)));
      if (this.rule.match) await this.readTail(file, 'start');
    }
    if (saved !== undefined) this.reportOffline(saved, looked);
  }

  /** Save the baseline if it changed since it was last saved. */
  saveBaseline(): void {
    if (this.store === undefined || this.checks.version === this.savedVersion) return;
    this.savedVersion = this.checks.version;
    this.store.save(this.checks.snapshot());
  }

  /** An event this rule's matcher took (`finding` names its path and host), at `time`. */
  onEvent(event: Event, finding: Pick<Finding, 'path' | 'host'>, time: number): void {
    const bits = event.mask & ALL_EVENTS;
    const path = event.pathname;
    if (bits & this.rule.mask) {
      const found: Finding = { time, ...finding, kind: 'event', what: inotifywaitNames(event.mask) };
      const by = writerText(event);
      const detail = [...(event.src_pathname ? [`from ${event.src_pathname}`] : []), ...(by ? [`changed by ${by}`] : [])];
      if (detail.length > 0) found.detail = detail.join('; ');
      this.queue.add(found);
    }
    if (event.dir) return;
    if (this.checks.active && bits & CHECK_EVENTS) void this.ctx.serial.run(`check:${this.index}:${path}`, () => this.checks.check(path));
    // A log first seen now (created later, or past the baseline limit) is read from its start.
    if (this.rule.match && bits & TAIL_EVENTS) void this.readTail(path, 'poke');
  }

  /** Pending findings go to their digest now; logs are closed. */
  async close(): Promise<void> {
    this.queue.flushNow();
    this.queue.close();
    for (const tail of this.tails.values()) await tail.close();
  }

  /** Files created or deleted while no alert ran (the last run's baseline against this one's). */
  private reportOffline(saved: ReadonlyMap<string, unknown>, looked: readonly string[]): void {
    const time = Date.now();
    const now = new Set(looked);
    for (const path of saved.keys()) {
      if (now.has(path) || existsSync(path)) continue;
      this.checks.forget(path);
      if (this.rule.mask & IN_DELETE) this.queue.add({ time, path, kind: 'event', what: 'deleted while tswatch was not running' });
    }
    if (!(this.rule.mask & IN_CREATE)) return;
    for (const path of looked)
      if (!saved.has(path)) this.queue.add({ time, path, kind: 'event', what: 'created while tswatch was not running' });
  }

  /** Follow `file` from its end (`start`) or read what is new (`poke`); a log tswatch may not read is named once. */
  private readTail(file: string, how: 'start' | 'poke'): Promise<void> {
    const tail = this.tailFor(file);
    return this.ctx.serial.run(`tail:${this.index}:${file}`, () =>
      tail[how]().catch((err: unknown) => {
        if (!denied(err)) throw err;
        this.ctx.skipUnreadable(file, err, 'match');
      }),
    );
  }

  private tailFor(file: string): LogTail {
    let tail = this.tails.get(file);
    if (tail === undefined) {
      const match = this.rule.match!;
      tail = new LogTail(file, (line) => {
        if (match.test(line))
          this.queue.add({ time: Date.now(), path: file, kind: 'match', what: `matched /${match.source}/`, detail: line });
      });
      this.tails.set(file, tail);
    }
    return tail;
  }
}
