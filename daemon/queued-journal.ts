import { existsSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Event, type EventInit, writerOfRecord } from '../src/index.js';
import { EventOutbox } from '../recipes/fleet/event-outbox.js';

/** Events read back from the journal; they stay on disk until `done()`. */
export interface TakenEvents {
  events: Event[];
  /** They have run, or were kept again or dropped (counted): remove them from the disk. */
  done(): void;
}

let generation = 0;

/**
 * Events a watch had queued when its drain timeout ran out, kept on disk (beside the pidfile) for the
 * next start of a watch of that name. Each stop writes a generation of its own (an EventOutbox, one JSON
 * line per event), and a generation leaves the disk only once its events have run: a start killed
 * before then (kill -9, power failure) runs them again at the next one (at least once, never lost).
 */
export class QueuedJournal {
  constructor(readonly dir: string) {}

  /** Append `events` to the watch's journal as a new generation (fsync'd: they are the only copy). */
  keep(name: string, events: readonly Event[]): void {
    // Sortable: the generations are read back oldest first.
    const stamp = `${String(Date.now()).padStart(15, '0')}-${process.pid}-${generation++}`;
    const outbox = new EventOutbox({ dir: join(this.where(name), stamp), fsync: 'always', maxBytes: 1 << 30 });
    try {
      outbox.append(events.map((event) => JSON.stringify(event)));
    } finally {
      outbox.close();
    }
  }

  /** The events kept for the watch, oldest first. */
  take(name: string): TakenEvents {
    const dir = this.where(name);
    const generations = existsSync(dir) ? readdirSync(dir).sort() : [];
    const events: Event[] = [];
    for (const stamp of generations) {
      const outbox = new EventOutbox({ dir: join(dir, stamp) });
      for (let batch = outbox.read(); batch !== undefined; batch = outbox.read()) {
        for (const line of batch.lines) {
          const init = JSON.parse(line) as EventInit & Parameters<typeof writerOfRecord>[0];
          events.push(new Event({ ...init, writer: writerOfRecord(init) }));
        }
      }
      outbox.close();
    }
    const done = (): void => {
      for (const stamp of generations) rmSync(join(dir, stamp), { recursive: true, force: true });
      try {
        rmdirSync(dir);
      } catch {
        // Absent, or a newer generation was kept meanwhile: it stays.
      }
    };
    return { events, done };
  }

  private where(name: string): string {
    return join(this.dir, name === '' ? '_' : name);
  }
}
