/**
 * Paths whose copy failed because DEST had no room (ENOSPC, EDQUOT), copied again with backoff (1 s,
 * doubling to a minute) until there is room: a live backup catches up by itself once space is freed.
 * An outage is said once when it starts (with the retry schedule) and once when it is over, never per
 * retry; the failures themselves are the caller's to name.
 */
export class RoomRetry {
  private readonly waiting = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private delayMs: number;
  private disposed = false;
  /** Paths that failed in this outage, for the line that ends it. */
  private outage = 0;

  constructor(
    /** Copy `rels` again; resolves when every retry has run (a failure comes back through add()). */
    private readonly retry: (rels: string[]) => Promise<void>,
    private readonly say: (line: string) => void,
    private readonly firstMs = 1000,
    private readonly maxMs = 60_000,
  ) {
    this.delayMs = firstMs;
  }

  /** `rel` failed for want of room: which failure of the outage it is (1 for the first), 0 if it was waiting already. */
  add(rel: string): number {
    if (this.disposed || this.waiting.has(rel)) return 0;
    if (this.outage === 0)
      this.say(
        `DEST's filesystem is full: the copies that fail for want of room are retried (after 1 s, doubling to 1 min) until there is room`,
      );
    this.waiting.add(rel);
    this.schedule();
    return ++this.outage;
  }

  /** `rel` reached DEST (a retry, or a later change's copy). */
  succeeded(rel: string): void {
    if (!this.waiting.delete(rel) || this.waiting.size > 0) return;
    this.say(`room on DEST again: the ${this.outage} ${this.outage === 1 ? 'copy' : 'copies'} that failed for want of room are done`);
    this.outage = 0;
    this.delayMs = this.firstMs;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Paths waiting for room. */
  get size(): number {
    return this.waiting.size;
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.timer !== undefined || this.disposed) return;
    this.timer = setTimeout(() => {
      const rels = [...this.waiting];
      const before = this.waiting.size;
      void this.retry(rels).then(() => {
        this.timer = undefined;
        if (this.waiting.size === 0 || this.disposed) return;
        // No progress: wait longer before the next try; some: try again soon.
        this.delayMs = this.waiting.size < before ? this.firstMs : Math.min(this.delayMs * 2, this.maxMs);
        this.schedule();
      });
    }, this.delayMs);
    this.timer.unref();
  }
}
