/**
 * Collects items until `debounceMs` pass without a new one (or `maxWaitMs` since the first, so a
 * never-quiet tree still gets served), then hands over all of them at once. Unlike a debounce that keeps
 * the last call only (chokidar-cli), every distinct key of the batch is kept, first-seen order.
 */
export class Batcher<T> {
  private items = new Map<string, T>();
  private quiet: NodeJS.Timeout | undefined;
  private deadline: NodeJS.Timeout | undefined;

  constructor(
    private readonly debounceMs: number,
    private readonly flush: (items: T[]) => void,
    private readonly key: (item: T) => string,
    private readonly maxWaitMs = Infinity,
  ) {}

  get size(): number {
    return this.items.size;
  }

  add(item: T): void {
    const key = this.key(item);
    this.items.delete(key); // a repeat moves to the end: the batch lists paths by their latest change
    this.items.set(key, item);
    clearTimeout(this.quiet);
    this.quiet = setTimeout(() => this.flushNow(), this.debounceMs);
    if (this.deadline === undefined && Number.isFinite(this.maxWaitMs)) this.deadline = setTimeout(() => this.flushNow(), this.maxWaitMs);
  }

  /** Hand over what is pending now (used on shutdown so nothing collected is lost). */
  flushNow(): void {
    clearTimeout(this.quiet);
    clearTimeout(this.deadline);
    this.quiet = this.deadline = undefined;
    if (this.items.size === 0) return;
    const items = [...this.items.values()];
    this.items = new Map();
    this.flush(items);
  }

  dispose(): void {
    clearTimeout(this.quiet);
    clearTimeout(this.deadline);
    this.items.clear();
  }
}
