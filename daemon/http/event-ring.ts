import { inotifywaitNames } from '../../src/index.js';

/** One selected event, as the live tail and `GET /api/events` show it. */
export interface EventRecord {
  /** Increases by one per event over the daemon's life: `?since=` and SSE `Last-Event-ID` use it. */
  seq: number;
  time: string;
  watch: string;
  /** inotifywait's spelling: CLOSE_WRITE,CLOSE */
  event: string;
  mask: number;
  path: string;
  /** Not handed to the action: the watch was paused, or it was the command's own write (--ignore-own). */
  ignored: boolean;
  /** Who caused it (`vim, pid 4242, user alice`), where the backend knows (fanotify). */
  by?: string;
}

/** What is kept per event: the readable fields are made only when someone reads (most events, nobody). */
type Stored = Omit<EventRecord, 'time' | 'event'> & { at: number };

const view = (s: Stored): EventRecord => ({
  seq: s.seq,
  time: new Date(s.at).toISOString(),
  watch: s.watch,
  event: inotifywaitNames(s.mask),
  mask: s.mask,
  path: s.path,
  ignored: s.ignored,
  ...(s.by !== undefined && { by: s.by }),
});

/**
 * The last `capacity` events, for the page's tail and the API: a fixed ring, so a burst of a million
 * events costs no memory, and a reader that fell behind is told how many it missed.
 */
export class EventRing {
  private readonly slots: Stored[] = [];
  private next = 1;
  private readonly listeners = new Set<(record: EventRecord) => void>();

  constructor(readonly capacity = 1000) {}

  /** The seq of the newest event (0: none yet). */
  get lastSeq(): number {
    return this.next - 1;
  }

  push(watch: string, mask: number, path: string, ignored: boolean, at = Date.now(), by?: string): void {
    const stored: Stored = { seq: this.next++, at, watch, mask, path, ignored, ...(by !== undefined && { by }) };
    this.slots[stored.seq % this.capacity] = stored;
    if (this.listeners.size === 0) return;
    const record = view(stored);
    for (const listener of this.listeners) listener(record);
  }

  /** Events after `seq`, oldest first; `dropped`: how many of those fell out of the ring. */
  since(seq: number): { events: EventRecord[]; dropped: number } {
    const oldest = Math.max(1, this.next - this.capacity);
    const from = Math.max(seq + 1, oldest);
    const events: EventRecord[] = [];
    for (let s = from; s < this.next; s++) events.push(view(this.slots[s % this.capacity]!));
    return { events, dropped: Math.max(0, oldest - seq - 1) };
  }

  /** Call `listener` with each new event; returns the unsubscribe. */
  subscribe(listener: (record: EventRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
