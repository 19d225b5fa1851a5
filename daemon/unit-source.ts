import type { Event } from '../src/index.js';
import type { Fence } from './fence.js';

/** What a source tells its WatchUnit. */
export interface SourceListener {
  /** An event the watch selects (filters applied), in order. */
  event(event: Event): void;
  error(err: Error, event?: Event): void;
  /** Events were lost on the way (the kernel queue overflowed). */
  overflow(): void;
  /** Nothing more can come (every watched path is gone). */
  gone(): void;
}

/**
 * Where a WatchUnit's events come from: local paths (LocalSource: inotify and the other backends) or a
 * fleet stream (StreamSource). The unit counts, pauses and hands events to its action either way.
 */
export interface UnitSource {
  /** Marks in the event stream, for actions that need them (--ignore-own); local sources only. */
  readonly fence: Fence | undefined;
  /** Start delivering; resolves once events happening from now on will be seen. Throws if it cannot. */
  start(listener: SourceListener): Promise<void>;
  /** Deliver what is on its way (up to `timeoutMs`) and stop taking more. */
  drain(timeoutMs: number): Promise<void>;
  /** Stop and release everything (idempotent). */
  close(): void;
  readonly running: boolean;
  /** For `ctl status`: the backend (inotify, parcel, or the stream's URL scheme), watches held, the stream. */
  status(): { backend: string; watches: number; stream?: string };
}
