import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Event, type EventInit } from '../../src/index.js';
import { EventOutbox } from '../fleet/event-outbox.js';

/**
 * Events a watch had queued when its drain timeout ran out, kept on disk (beside the pidfile) for the
 * next start of a watch of that name: one EventOutbox per watch, each event one JSON line.
 */
export class QueuedJournal {
  constructor(readonly dir: string) {}

  /** Append `events` to the watch's journal (fsync'd: they are the only copy). */
  keep(name: string, events: readonly Event[]): void {
    const outbox = new EventOutbox({ dir: this.where(name), fsync: 'always', maxBytes: 1 << 30 });
    try {
      outbox.append(events.map((event) => JSON.stringify(event)));
    } finally {
      outbox.close();
    }
  }

  /** The events kept for the watch, oldest first; the journal is emptied (they are the caller's now). */
  take(name: string): Event[] {
    const dir = this.where(name);
    if (!existsSync(dir)) return [];
    const outbox = new EventOutbox({ dir });
    const events: Event[] = [];
    for (let batch = outbox.read(); batch !== undefined; batch = outbox.read()) {
      for (const line of batch.lines) events.push(new Event(JSON.parse(line) as EventInit));
      outbox.ack(batch);
    }
    outbox.close();
    rmSync(dir, { recursive: true, force: true });
    return events;
  }

  private where(name: string): string {
    return join(this.dir, name === '' ? '_' : name);
  }
}
