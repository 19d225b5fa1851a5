/** What a check or a rule found: one line of a digest. */
export interface Finding {
  /** ms since the epoch. */
  time: number;
  /** With events from a fleet stream: HOST:/path. */
  path: string;
  /** The host it happened on, for events from a fleet stream. */
  host?: string;
  kind: 'event' | 'content' | 'permissions' | 'size' | 'match' | 'recovered';
  /** Short: 'CLOSE_WRITE,CLOSE', 'content changed', 'size 12 MiB above 10 MiB'. */
  what: string;
  /** Longer: the matching log line, the old and new checksum. */
  detail?: string;
}

/** A state that lasts (a file above its size limit) until a finding says it is over. */
export interface Condition {
  path: string;
  what: string;
  since: number;
}

export interface PathGroup {
  path: string;
  /** Every finding for this path, listed or not. */
  count: number;
  findings: Finding[];
}

/** One mail's worth: the template's data. */
export interface Digest {
  rule: string;
  /** alert: something happened; reminder: a condition still holds; recovered: only recoveries. */
  kind: 'alert' | 'reminder' | 'recovered';
  from: number;
  until: number;
  total: number;
  /** Findings not listed one by one (past `maxListed`): counted in their group, or in `otherPaths`. */
  unlisted: number;
  /** Findings in paths past `maxPaths`, which get no group of their own. */
  otherPaths: number;
  groups: PathGroup[];
  /** Mails the hourly limit held back; their findings are in this one. */
  heldBack: number;
  active: Condition[];
  /** The hosts the findings come from (events from a fleet stream), sorted; empty: this machine. */
  hosts: string[];
}

export interface DigestQueueOptions {
  rule: string;
  windowMs: number;
  maxPerHour: number;
  /** 0: no reminders. */
  remindMs: number;
  /** Findings listed one by one in a digest; the rest are counted per path. Default 1000. */
  maxListed?: number;
  /** Paths with a group of their own; findings in more paths are only counted. Default 1000. */
  maxPaths?: number;
  /** The period `maxPerHour` counts over; an hour unless a test shortens it. */
  periodMs?: number;
  /** Sees each finding as it is added (FindingsJournal keeps it on disk until its digest is spooled). */
  journal?: (finding: Finding) => void;
}

const HOUR = 3_600_000;

/**
 * One rule's digest: findings gather for `windowMs` after the first, then go out as one digest; at
 * most `maxPerHour` digests an hour, what comes in between waits for the next one. Conditions (raise
 * / clear) are reported when they start and end, and reminded every `remindMs` while they last.
 */
export class DigestQueue {
  private groups = new Map<string, PathGroup>();
  private hosts = new Set<string>();
  private total = 0;
  private listed = 0;
  private otherPaths = 0;
  private from = 0;
  private heldBack = 0;
  private sent: number[] = [];
  private lastMail = 0;
  private readonly conditions = new Map<string, Condition>();
  private windowTimer: NodeJS.Timeout | undefined;
  private remindTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: DigestQueueOptions,
    private readonly emit: (digest: Digest) => void,
    /** A window opened: a digest will follow in `windowMs`. */
    private readonly onOpen: (windowMs: number) => void = () => {},
  ) {}

  add(finding: Finding): void {
    this.options.journal?.(finding);
    if (this.total === 0) this.from = finding.time;
    this.total++;
    if (finding.host !== undefined) this.hosts.add(finding.host);
    let group = this.groups.get(finding.path);
    if (group === undefined && this.groups.size < (this.options.maxPaths ?? 1000)) {
      this.groups.set(finding.path, (group = { path: finding.path, count: 0, findings: [] }));
    }
    if (group === undefined) this.otherPaths++;
    else group.count++;
    if (group !== undefined && this.listed < (this.options.maxListed ?? 1000)) {
      group.findings.push(finding);
      this.listed++;
    }
    if (this.windowTimer === undefined) {
      this.windowTimer = setTimeout(() => this.flush(), this.options.windowMs);
      this.onOpen(this.options.windowMs);
    }
  }

  /** A condition begins (reported once, however often it is seen). */
  raise(key: string, finding: Finding): void {
    if (this.conditions.has(key)) return;
    this.conditions.set(key, { path: finding.path, what: finding.what, since: finding.time });
    this.add(finding);
  }

  /** A condition ends: a 'recovered' finding, if it was on. */
  clear(key: string, finding: Finding): void {
    if (!this.conditions.delete(key)) return;
    this.add({ ...finding, kind: 'recovered' });
  }

  /** Everything pending, now, whatever the window and the hourly limit (on shutdown: nothing is dropped). */
  flushNow(): void {
    clearTimeout(this.windowTimer);
    this.windowTimer = undefined;
    if (this.total > 0) this.send('alert');
  }

  close(): void {
    clearTimeout(this.windowTimer);
    clearTimeout(this.remindTimer);
    this.windowTimer = this.remindTimer = undefined;
  }

  /** ms until the hourly limit lets one more mail out (0: now). */
  private throttledFor(now: number): number {
    const period = this.options.periodMs ?? HOUR;
    this.sent = this.sent.filter((t) => t > now - period);
    return this.sent.length < this.options.maxPerHour ? 0 : this.sent[0]! + period - now;
  }

  private flush(): void {
    this.windowTimer = undefined;
    if (this.total === 0) return;
    const wait = this.throttledFor(Date.now());
    if (wait > 0) {
      this.heldBack++;
      this.windowTimer = setTimeout(() => this.flush(), wait);
      return;
    }
    this.send('alert');
  }

  private send(kind: 'alert' | 'reminder'): void {
    const now = Date.now();
    const groups = [...this.groups.values()];
    const onlyRecoveries = groups.every((g) => g.findings.every((f) => f.kind === 'recovered')) && this.listed === this.total;
    const digest: Digest = {
      rule: this.options.rule,
      kind: kind === 'alert' && this.total > 0 && onlyRecoveries ? 'recovered' : kind,
      from: this.total > 0 ? this.from : now,
      until: now,
      total: this.total,
      unlisted: this.total - this.listed,
      otherPaths: this.otherPaths,
      groups,
      heldBack: this.heldBack,
      active: [...this.conditions.values()],
      hosts: [...this.hosts].sort(),
    };
    this.groups = new Map();
    this.hosts = new Set();
    this.total = this.listed = this.heldBack = this.otherPaths = 0;
    this.sent.push(now);
    this.lastMail = now;
    this.scheduleReminder();
    this.emit(digest);
  }

  private scheduleReminder(): void {
    clearTimeout(this.remindTimer);
    this.remindTimer = undefined;
    if (this.options.remindMs <= 0 || this.conditions.size === 0) return;
    this.remindTimer = setTimeout(() => this.remind(), Math.max(0, this.lastMail + this.options.remindMs - Date.now()));
  }

  private remind(): void {
    this.remindTimer = undefined;
    if (this.conditions.size === 0) return;
    if (this.total > 0) return; // a digest is coming anyway, listing what is still on
    const wait = this.throttledFor(Date.now());
    if (wait > 0) this.remindTimer = setTimeout(() => this.remind(), wait);
    else this.send('reminder');
  }
}
