import type { Backend, RawEvent } from './backends/backend.js';
import { supportedMaskOf } from './backend-support.js';
import { joinPath } from './join-path.js';
import { IN_ACCESS, IN_CLOSE_NOWRITE, IN_ISDIR, IN_ONESHOT, IN_OPEN, IN_Q_OVERFLOW } from './masks.js';
import type { Watch } from './watch.js';
import type { WatchIndex } from './watch-index.js';

/**
 * What reading a directory makes the kernel queue, with IN_ISDIR, on the directory's own watch and on
 * its parent's: tswatch's scans cause these, the user did not.
 */
export const SCAN_ECHO = IN_OPEN | IN_ACCESS | IN_CLOSE_NOWRITE;

/** tswatch's own directory reads, counted per watch until their echo has been seen to its end. */
export class ScanEchoes {
  /** wd → reads of that directory whose echo on its own watch has not been seen to its end. */
  private readonly pending = new Map<number, number>();

  constructor(
    private readonly index: WatchIndex,
    private readonly backend: Backend,
  ) {}

  /**
   * True when `raw` is the echo of one of tswatch's own directory reads (an IN_OPEN, IN_ACCESS or
   * IN_CLOSE_NOWRITE with IN_ISDIR): it must not reach the user, who did nothing. On the directory's own
   * watch the reads are counted, each ended by its IN_CLOSE_NOWRITE; that watch is new, so no older
   * event of the user's is in the count. On the parent's watch, where the user may well have opened the
   * new directory just before (`mkdir -p` does), counting would be fooled: there an event is an echo
   * only when the kernel's twin on the directory's own watch, which it queues right after, is one.
   * A user reading the directory meanwhile produces the same events; as many are dropped as tswatch
   * caused, so the counts stay right.
   */
  take(raw: RawEvent, next: RawEvent | undefined): boolean {
    if (this.pending.size === 0 || !(raw.mask & IN_ISDIR) || !(raw.mask & SCAN_ECHO)) return false;
    if (raw.name !== '') {
      const child = this.echoingChild(raw);
      if (child === undefined) return false;
      // An overflow took the twin's place: the kernel lost events from here on, and says so; a record
      // that may be tswatch's own is dropped rather than shown as the user's.
      if (next !== undefined && next.mask & IN_Q_OVERFLOW) return true;
      return next?.wd === child && next.name === '' && next.mask === raw.mask;
    }
    const count = this.pending.get(raw.wd);
    if (count === undefined) return false;
    if (raw.mask & IN_CLOSE_NOWRITE) {
      if (count > 1) this.pending.set(raw.wd, count - 1);
      else this.pending.delete(raw.wd);
    }
    return true;
  }

  /** True when `raw` may be a scan's echo on the parent's watch, which only the record after it can tell. */
  awaitsTwin(raw: RawEvent): boolean {
    return (
      this.pending.size > 0 &&
      raw.name !== '' &&
      (raw.mask & IN_ISDIR) !== 0 &&
      (raw.mask & SCAN_ECHO) !== 0 &&
      this.echoingChild(raw) !== undefined
    );
  }

  /** Note the echo a read of `watch`'s directory has just queued on its own watch (see take). */
  expect(watch: Watch): void {
    // Oneshot watches get no IN_CLOSE_NOWRITE to end the echo with (see the WatchManager's kernelMask).
    if (!(supportedMaskOf(this.backend, watch.wd) & SCAN_ECHO) || !(watch.mask & SCAN_ECHO) || watch.mask & IN_ONESHOT) return;
    this.pending.set(watch.wd, (this.pending.get(watch.wd) ?? 0) + 1);
  }

  /** What a process inheriting the inotify fd needs to read its queue as this one would. */
  export(): Array<[number, number]> {
    return [...this.pending];
  }

  adopt(echoes: Array<[number, number]>): void {
    for (const [wd, count] of echoes) this.pending.set(wd, (this.pending.get(wd) ?? 0) + count);
  }

  forget(wd: number): void {
    this.pending.delete(wd);
  }

  /** After a queue overflow the echoes noted may never come: forget them rather than eat real events. */
  clear(): void {
    this.pending.clear();
  }

  /** The wd of the watched directory `raw` names on its parent's watch, when a read of it awaits its echo. */
  private echoingChild(raw: RawEvent): number | undefined {
    const parent = this.index.get(raw.wd);
    const child = parent && this.index.wdOf(joinPath(parent.path, raw.name));
    return child !== undefined && this.pending.has(child) ? child : undefined;
  }
}
