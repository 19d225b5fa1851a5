/** One unit of work on DEST. `paths` are the relative paths it reads or writes ('' is the whole tree). */
export interface Job {
  readonly paths: string[];
  readonly run: () => Promise<void>;
  /** Jobs with the same key that are still waiting are merged (repeated modifies of one file). */
  readonly coalesceKey?: string;
  /** A job that is not ready yet (a move waiting for its other half) holds its place and its paths. */
  ready?: boolean;
  /** Moves, deletes and resyncs: nothing queued before one may absorb a job queued after it. */
  readonly structural?: boolean;
}

interface Entry {
  job: Job;
  seq: number;
  done: Promise<void>;
  finish: () => void;
}

/** How far past a blocked job the scheduler looks for one that may run. */
const LOOKAHEAD = 2000;

function ancestors(path: string): string[] {
  const out = [''];
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) out.push(path.slice(0, i));
  return out;
}

/**
 * The backup's work queue, off the event path: the watcher only pushes. Jobs run with bounded
 * concurrency, but never out of order with an earlier job touching the same path, an ancestor or a
 * descendant of it: a rename of a directory waits for the copies into it, a copy of a file waits for
 * the rename that gave it its name. A job errors alone (onError) and the queue goes on.
 */
export class CopyQueue {
  private pending: Entry[] = [];
  private readonly running = new Set<Entry>();
  private readonly byKey = new Map<string, Entry>();
  private seq = 0;
  private lastStructural = 0;
  private closed = false;
  private idleWaiters: Array<() => void> = [];

  /**
   * `onDrain` runs each time the queue empties, before idle() resolves; it may push more. `onDone`
   * runs after each job that succeeded (a path that failed before is backed up now).
   */
  constructor(
    private readonly concurrency: number,
    private readonly onError: (err: unknown, job: Job) => void,
    private readonly onDrain?: () => void,
    private readonly onDone?: (job: Job) => void,
  ) {}

  /** Queue a job; resolves when it has run (or was merged into an equal waiting job that has). */
  push(job: Job): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (job.coalesceKey !== undefined) {
      const twin = this.byKey.get(job.coalesceKey);
      if (twin !== undefined && twin.seq > this.lastStructural) return twin.done;
    }
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const entry: Entry = { job, seq: ++this.seq, done, finish };
    if (job.structural) this.lastStructural = entry.seq;
    if (job.coalesceKey !== undefined) this.byKey.set(job.coalesceKey, entry);
    this.pending.push(entry);
    this.pump();
    return done;
  }

  /**
   * Queue `jobs` in order, at most `window` of them waiting or running at once (the next goes in as one
   * finishes), so a plan of a million copies does not sit in memory as a million jobs. Resolves when all
   * have run (at once if the queue is closed meanwhile). Later pushes may run between them.
   */
  pushAll(jobs: Iterable<Job>, window: number): Promise<void> {
    const it = jobs[Symbol.iterator]();
    let inFlight = 0;
    let ended = false;
    return new Promise((resolve) => {
      const more = (): void => {
        while (!ended && inFlight < window) {
          const next = it.next();
          if (next.done) ended = true;
          else {
            inFlight++;
            void this.push(next.value).then(() => {
              inFlight--;
              more();
            });
          }
        }
        if (ended && inFlight === 0) resolve();
      };
      more();
    });
  }

  /** Call after making a not-ready job ready (or changing its paths). */
  pump(): void {
    // Every slot busy: nothing may start (and nothing is idle). A big sync pushes while full, job by job.
    if (this.closed || this.running.size >= this.concurrency) return;
    const blocked = new Set<string>();
    const within = new Set<string>();
    const block = (paths: readonly string[]): void => {
      for (const path of paths) {
        blocked.add(path);
        for (const a of ancestors(path)) if (a !== path) within.add(a);
      }
    };
    const free = (paths: readonly string[]): boolean =>
      paths.every((path) => !within.has(path) && !blocked.has(path) && !ancestors(path).some((a) => blocked.has(a)));
    for (const entry of this.running) block(entry.job.paths);
    const limit = Math.min(this.pending.length, LOOKAHEAD);
    const started: number[] = [];
    for (let i = 0; i < limit && this.running.size + started.length < this.concurrency; i++) {
      const entry = this.pending[i]!;
      if (entry.job.ready !== false && free(entry.job.paths)) started.push(i);
      block(entry.job.paths);
    }
    // Out of the pending list first, then run: a job that finishes synchronously re-enters pump().
    const entries = started.map((i) => this.pending[i]!);
    for (const i of started.reverse()) this.pending.splice(i, 1);
    for (const entry of entries) this.start(entry);
    if (this.pending.length === 0 && this.running.size === 0) this.onDrain?.();
    if (this.pending.length === 0 && this.running.size === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const wake of waiters) wake();
    }
  }

  /** Resolves when nothing is waiting or running. */
  idle(): Promise<void> {
    if (this.pending.length === 0 && this.running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  get size(): number {
    return this.pending.length + this.running.size;
  }

  /** Drop what waits, let what runs finish. */
  async close(): Promise<void> {
    this.closed = true;
    for (const entry of this.pending) entry.finish();
    this.pending = [];
    await Promise.all([...this.running].map((e) => e.done));
    for (const wake of this.idleWaiters) wake();
  }

  private start(entry: Entry): void {
    this.running.add(entry);
    if (entry.job.coalesceKey !== undefined && this.byKey.get(entry.job.coalesceKey) === entry) {
      this.byKey.delete(entry.job.coalesceKey);
    }
    entry.job
      .run()
      .then(
        () => this.onDone?.(entry.job),
        (err: unknown) => this.onError(err, entry.job),
      )
      .finally(() => {
        this.running.delete(entry);
        entry.finish();
        this.pump();
      });
  }
}
