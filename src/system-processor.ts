import { existsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { RAW_MEET, RAW_UNNAMED, type RawEvent, type Writer } from './backends/backend.js';
import { type TswatchError, UnnamedEventsError } from './errors.js';
import { Event } from './event.js';
import {
  ALL_EVENTS,
  IN_CREATE,
  IN_DELETE,
  IN_DELETE_SELF,
  IN_IGNORED,
  IN_ISDIR,
  IN_MODIFY,
  IN_MOVED_FROM,
  IN_MOVE_SELF,
  IN_MOVED_TO,
  IN_Q_OVERFLOW,
  IN_UNMOUNT,
} from './masks.js';
import type { Handler } from './process-event.js';
import type { TreeChange } from './tree-state.js';
import { joinPath } from './join-path.js';
import type { ScanSink, Watch } from './watch.js';
import type { WatchManager } from './watch-manager.js';

/** An event ready for dispatch, with the watch's own handler if it has one. */
export interface Delivery {
  event: Event;
  handler: Handler | undefined;
  /** false: outside the watch's mask, kept only for a later stage (atomic-save coalescing) to see. */
  wanted?: boolean;
}

/** Kernel events that reach handlers whatever the mask (the kernel sends them unasked). */
const ALWAYS = IN_IGNORED | IN_Q_OVERFLOW | IN_UNMOUNT;

/** Marks the path of watches whose directory was moved and awaits its IN_MOVED_TO (no real path has a NUL). */
const PARKED = '\u0000moved-';

/** How long an IN_MOVED_FROM waits for its IN_MOVED_TO when no further batch comes. */
const MOVE_PAIR_MS = 200;

interface PendingMove {
  pathname: string;
  /** Where the moved directory's watches wait meanwhile, so nothing else can take their path. */
  parked: string | undefined;
  batch: number;
}

/**
 * The bookkeeping that runs on every raw event before any user code: watches new directories and
 * reports what they hold (once), pairs moves by cookie (across batches too) and re-homes renamed
 * subtrees, drops dead watches, and recovers from a queue overflow by rescanning. Events the user's
 * mask does not cover are dropped here, after the bookkeeping they fed.
 */
export class SystemProcessor {
  private readonly pending = new Map<number, PendingMove>();
  private batch = 0;
  /** Replayed moves get cookies far from the kernel's (which count up from 0). */
  private replayCookie = 0xc0000000;
  private timer: NodeJS.Timeout | undefined;
  private out: Delivery[] = [];
  private readonly sink: ScanSink;
  /** A batch's last record that may be the echo of a scan, waiting for the next batch to bring its twin. */
  private held: RawEvent | undefined;
  private heldTimer: NodeJS.Timeout | undefined;
  /** Events the backend gave up unnamed (RAW_UNNAMED), in all: each batch of them is said too. */
  unnamed = 0;

  constructor(
    private readonly wm: WatchManager,
    onError: (err: TswatchError) => void,
    private readonly keepUnwanted = false,
    /** Where deliveries made outside `process` go (a held record whose twin never came). */
    private readonly late: (deliveries: Delivery[]) => void = () => {},
  ) {
    this.sink = {
      event: (watch, mask, name) => this.deliver(watch, mask, 0, name, undefined, true),
      error: onError,
    };
  }

  /** Turn one batch of raw events into deliveries, in kernel order (synthetic ones right after their cause). */
  process(batch: readonly RawEvent[]): Delivery[] {
    this.batch++;
    this.out = [];
    const records = this.held === undefined ? batch : [this.held, ...batch];
    this.held = undefined;
    clearTimeout(this.heldTimer);
    const last = records.length - 1;
    for (let i = 0; i < last; i++) this.one(records[i]!, records[i + 1]);
    // A read() can end between a scan's record on the parent's watch and its twin: the twin decides.
    if (last >= 0 && this.wm.awaitsTwin(records[last]!)) this.hold(records[last]!);
    else if (last >= 0) this.one(records[last]!, undefined);
    this.expireMoves(this.batch);
    if (this.pending.size > 0 && this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.expireMoves(Infinity);
      }, MOVE_PAIR_MS).unref();
    }
    return this.out;
  }

  /**
   * Changes made while nothing watched (a saved state's difference), as the events the kernel would
   * have sent, flagged synthetic. A move keeps its pair (a cookie of its own) when both ends are
   * watched; otherwise it is the delete or the create that the watched side saw.
   */
  replay(changes: readonly TreeChange[]): Delivery[] {
    this.out = [];
    const parentOf = (path: string) => this.wm.watch(this.wm.getWd(dirname(path)) ?? -1);
    const dirBit = (isDir: boolean) => (isDir ? IN_ISDIR : 0);
    for (const change of changes) {
      const watch = parentOf(change.path);
      const name = basename(change.path);
      if (change.kind === 'moved') {
        const to = parentOf(change.dest);
        this.replayCookie = (this.replayCookie + 1) >>> 0;
        const cookie = this.replayCookie;
        if (watch) this.deliver(watch, IN_MOVED_FROM | dirBit(change.isDir), to ? cookie : 0, name, undefined, true);
        if (to)
          this.deliver(
            to,
            IN_MOVED_TO | dirBit(change.isDir),
            watch ? cookie : 0,
            basename(change.dest),
            watch ? change.path : undefined,
            true,
          );
      } else if (watch) {
        // The watch's scan when it was armed saw the tree between the two runs: a create it did not see,
        // or a delete of what it saw, came after, and the kernel reports that one itself.
        if (change.kind === 'created' && watch.entries !== undefined && !watch.entries.has(name)) continue;
        if (change.kind === 'deleted' && watch.entries?.has(name)) continue;
        const bit = change.kind === 'created' ? IN_CREATE : change.kind === 'deleted' ? IN_DELETE : IN_MODIFY;
        this.deliver(watch, bit | dirBit(change.isDir), 0, name, undefined, true);
      }
    }
    return this.out;
  }

  /** Forget moves still waiting for a partner (on stop). */
  dispose(): void {
    clearTimeout(this.heldTimer);
    this.held = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }

  /** The kernel queues the twin right after: if no batch brings it soon, the record was the user's. */
  private hold(raw: RawEvent): void {
    this.held = raw;
    this.heldTimer = setTimeout(() => {
      if (this.held !== raw) return;
      this.held = undefined;
      this.out = [];
      this.one(raw, undefined);
      this.late(this.out);
    }, MOVE_PAIR_MS).unref();
  }

  /** `next` is the record after `raw` in the batch: telling tswatch's own directory reads needs it. */
  private one(raw: RawEvent, next: RawEvent | undefined): void {
    if (raw.mask & IN_Q_OVERFLOW) {
      this.out.push({ event: new Event({ wd: -1, mask: IN_Q_OVERFLOW, path: '' }), handler: undefined });
      this.wm.forgetEchoes();
      this.recover();
      return;
    }
    if (raw.mask & RAW_MEET) {
      this.wm.meet(raw.wd, raw.cookie, raw.name);
      return;
    }
    if (raw.mask & RAW_UNNAMED) {
      this.unnamed += raw.cookie;
      this.sink.error(new UnnamedEventsError(raw.cookie));
      return;
    }
    const watch = this.wm.watch(raw.wd);
    if (watch === undefined) return; // removed by rmWatch or a dropped subtree: nothing to say
    if (this.wm.takeEcho(raw, next)) return; // our own directory read, not the user's
    const { mask, name, cookie, writer } = raw;
    const isDir = (mask & IN_ISDIR) !== 0;
    const entries = watch.entries;
    if (mask & IN_CREATE) {
      // Already known: a scan of this new directory reported it before its own event arrived.
      if (entries !== undefined && !entries.addNew(name, isDir)) return;
      this.deliver(watch, mask, cookie, name, undefined, false, writer);
      if (isDir && watch.autoAdd) this.wm.addSubdir(watch, joinPath(watch.path, name), true, this.sink);
    } else if (mask & IN_DELETE) {
      // A directory standing at that path again was made there since (`mkdir d; rm -r d; mkdir d` in one
      // burst) and a watch there may be on it, holding the old one's entries: drop it, so the IN_CREATE
      // that follows watches and scans the new one afresh. Otherwise the deleted one's own IN_IGNORED
      // still comes, and drops its watch as usual.
      if (isDir && existsSync(joinPath(watch.path, name))) this.wm.dropTree(joinPath(watch.path, name));
      // A rescan already reported it (a directory met, never read, cannot tell).
      if (entries !== undefined && !entries.delete(name) && !watch.partial) return;
      this.deliver(watch, mask, cookie, name, undefined, false, writer);
    } else if (mask & IN_MOVED_FROM) {
      entries?.delete(name);
      this.deliver(watch, mask, cookie, name, undefined, false, writer);
      const pathname = joinPath(watch.path, name);
      const parked = isDir ? `${pathname}${PARKED}${cookie}` : undefined;
      if (parked !== undefined && !this.wm.rehome(pathname, parked))
        this.pending.set(cookie, { pathname, parked: undefined, batch: this.batch });
      else this.pending.set(cookie, { pathname, parked, batch: this.batch });
    } else if (mask & IN_MOVED_TO) {
      const from = this.pending.get(cookie);
      this.pending.delete(cookie);
      entries?.set(name, isDir);
      this.deliver(watch, mask, cookie, name, from?.pathname, false, writer);
      if (!isDir) return;
      const pathname = joinPath(watch.path, name);
      const rehomed = from?.parked !== undefined && this.wm.rehome(from.parked, pathname);
      // Moved within a lazily learnt tree, it needs no scan: inotify would report nothing in it.
      if (!rehomed && watch.autoAdd && !(watch.lazy && from !== undefined)) this.wm.addSubdir(watch, pathname, true, this.sink);
    } else if (mask & IN_IGNORED) {
      this.deliver(watch, mask, cookie, name, undefined, false, writer);
      this.wm.forget(raw.wd);
    } else {
      this.deliver(watch, mask, cookie, name, undefined, false, writer);
    }
  }

  private deliver(watch: Watch, mask: number, cookie: number, name: string, src?: string, synthetic = false, writer?: Writer): void {
    const wanted = (mask & watch.mask & ALL_EVENTS) !== 0 || (mask & ALWAYS) !== 0;
    if (!wanted && !this.keepUnwanted) return;
    // Inside a directory moved away whose IN_MOVED_TO has not come (it left the tree): no path to give.
    if (watch.path.includes(PARKED)) return;
    // The kernel leaves IN_ISDIR off these two; the watch knows (pyinotify does the same).
    const dir = mask & (IN_DELETE_SELF | IN_MOVE_SELF) ? watch.entries !== undefined : undefined;
    const event = new Event({ wd: watch.wd, mask, cookie, name, path: watch.path, src_pathname: src, synthetic, dir, writer });
    this.out.push({ event, handler: watch.procFun, wanted });
  }

  /** The kernel dropped events: rescan every watched directory and report what changed, flagged synthetic. */
  private recover(): void {
    for (const watch of [...this.wm.watches()]) {
      // A directory met by an event was never read: nothing to compare with (what was lost there stays lost).
      if (watch.entries !== undefined && !watch.partial && this.wm.watch(watch.wd) === watch) {
        this.wm.reconcile(watch, true, watch.autoAdd, this.sink);
      }
    }
  }

  /** Moves older than `before` whose IN_MOVED_TO never came left the tree: drop their watches. */
  private expireMoves(before: number): void {
    for (const [cookie, move] of this.pending) {
      if (move.batch >= before) continue;
      this.pending.delete(cookie);
      if (move.parked !== undefined) this.wm.dropTree(move.parked);
    }
  }
}
