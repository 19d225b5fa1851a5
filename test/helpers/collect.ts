import { after } from 'node:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AddWatchOptions, type Event, Notifier, WatchManager } from '../../src/index.js';
import { waitFor } from './wait-for.js';

/** A running notifier on real inotify that records every event; stopped when the test file ends. */
export function collect(paths: string | string[], mask: number, options: AddWatchOptions = {}) {
  const wm = new WatchManager();
  const wdd = wm.addWatch(paths, mask, { quiet: false, ...options });
  const events: Event[] = [];
  const notifier = new Notifier(wm, (event) => void events.push(event));
  const errors: Error[] = [];
  notifier.on('error', (err: Error) => errors.push(err));
  notifier.start();
  after(() => notifier.stop());
  return {
    wm,
    wdd,
    events,
    errors,
    notifier,
    /** Wait until `count` events satisfy `pred`. */
    until: (pred: (e: Event) => boolean, count = 1, what = 'events') =>
      waitFor(() => events.filter(pred).length >= count, `${count} ${what}`, 30_000),
    /**
     * Everything the kernel queued before this call has been delivered once a marker file created now
     * is seen: inotify keeps order within one fd. `dir` must be watched for IN_CREATE.
     */
    async settle(dir: string): Promise<void> {
      const name = `.settle-${process.hrtime.bigint()}`;
      writeFileSync(join(dir, name), '');
      await waitFor(() => events.some((e) => e.name === name), `marker ${name}`, 30_000);
    },
  };
}

/** Creates by pathname, to check exactly-once delivery. */
export function countBy(events: readonly Event[], pred: (e: Event) => boolean): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of events) if (pred(e)) counts.set(e.pathname, (counts.get(e.pathname) ?? 0) + 1);
  return counts;
}
