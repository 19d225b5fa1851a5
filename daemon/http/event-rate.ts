/** Per-second event counts of each watch over the last `seconds`: the page's charts. */
export class EventRate {
  private readonly watches = new Map<string, { counts: number[]; stamps: number[] }>();

  constructor(readonly seconds = 300) {}

  add(watch: string, now = Date.now()): void {
    let series = this.watches.get(watch);
    if (series === undefined) {
      series = { counts: new Array<number>(this.seconds).fill(0), stamps: new Array<number>(this.seconds).fill(-1) };
      this.watches.set(watch, series);
    }
    const second = Math.floor(now / 1000);
    const slot = second % this.seconds;
    if (series.stamps[slot] !== second) {
      series.stamps[slot] = second;
      series.counts[slot] = 0;
    }
    series.counts[slot]!++;
  }

  /** Counts per second, oldest first; the last one is the current (partial) second. */
  history(watch: string, now = Date.now()): number[] {
    const series = this.watches.get(watch);
    const last = Math.floor(now / 1000);
    const out: number[] = [];
    for (let second = last - this.seconds + 1; second <= last; second++) {
      const slot = second % this.seconds;
      out.push(series !== undefined && series.stamps[slot] === second ? series.counts[slot]! : 0);
    }
    return out;
  }

  /** Events per second over the last ten complete seconds. */
  perSecond(watch: string, now = Date.now()): number {
    const recent = this.history(watch, now).slice(-11, -1);
    return recent.reduce((a, b) => a + b, 0) / recent.length;
  }

  /** Forget watches no longer configured (after a reload). */
  retain(names: readonly string[]): void {
    for (const name of this.watches.keys()) if (!names.includes(name)) this.watches.delete(name);
  }
}
