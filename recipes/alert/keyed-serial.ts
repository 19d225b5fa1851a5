/**
 * Runs async work one at a time per key. A request that comes while the work runs makes it run once
 * more afterwards (however many came): an event burst on one file costs two passes, not hundreds,
 * and the last pass always sees the latest state.
 */
export class KeyedSerial {
  private readonly running = new Map<string, { again: boolean; done: Promise<void> }>();

  constructor(private readonly onError: (err: unknown, key: string) => void) {}

  run(key: string, work: () => Promise<void>): Promise<void> {
    const current = this.running.get(key);
    if (current) {
      current.again = true;
      return current.done;
    }
    const slot = { again: false, done: Promise.resolve() };
    slot.done = (async () => {
      do {
        slot.again = false;
        try {
          await work();
        } catch (err) {
          this.onError(err, key);
        }
      } while (slot.again);
      this.running.delete(key);
    })();
    this.running.set(key, slot);
    return slot.done;
  }

  /** Resolves once nothing runs. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()].map((s) => s.done));
  }
}
