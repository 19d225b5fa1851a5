/**
 * A map whose entries expire a fixed time after they were last set, with one timer for all of them:
 * every entry has the same lifetime, so insertion order is expiry order. A burst of 100,000 paths
 * costs one timer, not 100,000.
 */
export class DeadlineMap<K, V> {
  private readonly entries = new Map<K, { value: V; due: number }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly lifetime: number,
    private readonly onExpire: (key: K, value: V) => void,
  ) {}

  get(key: K): V | undefined {
    return this.entries.get(key)?.value;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** Set `key` (again), due `lifetime` ms from now. */
  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, due: Date.now() + this.lifetime });
    this.timer ??= setTimeout(() => this.expire(), this.lifetime);
  }

  delete(key: K): boolean {
    return this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private expire(): void {
    this.timer = undefined;
    const now = Date.now();
    for (const [key, { value, due }] of this.entries) {
      if (due > now) {
        this.timer = setTimeout(() => this.expire(), due - now);
        return;
      }
      this.entries.delete(key);
      this.onExpire(key, value);
    }
  }
}
