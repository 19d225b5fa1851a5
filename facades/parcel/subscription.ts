import { statSync } from 'node:fs';
import {
  IN_ATTRIB,
  IN_CREATE,
  IN_DELETE,
  IN_DELETE_SELF,
  IN_MODIFY,
  IN_MOVE_SELF,
  IN_MOVED_FROM,
  IN_MOVED_TO,
  Notifier,
  PathError,
  WatchManager,
  type Event as TswatchEvent,
} from '../../src/index.js';
import { EventList, type Event } from './event-list.js';
import type { Resolved } from './options.js';

export type SubscribeCallback = (err: Error | null, events: Event[]) => unknown;

/** What parcel reports: content and metadata changes, entries coming and going, the root going. */
const MASK = IN_CREATE | IN_MOVED_TO | IN_MODIFY | IN_ATTRIB | IN_DELETE | IN_MOVED_FROM | IN_DELETE_SELF | IN_MOVE_SELF;

/**
 * One `subscribe` call: its own WatchManager and Notifier on the tree under `dir`, so each subscription
 * gets tswatch's whole system processing (new subtrees scanned, moves paired, overflow rescanned).
 * Events are folded and reported batchMs after the first of a batch (0: as soon as the kernel's read
 * is processed); a steady stream never holds a batch back longer.
 */
export class Subscription {
  private readonly notifier: Notifier;
  private readonly pending = new EventList();
  private flushQueued = false;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    readonly dir: string,
    readonly fn: SubscribeCallback,
    private readonly options: Resolved,
  ) {
    mustBeDirectory(dir);
    const wm = new WatchManager({ backend: options.backend });
    this.notifier = new Notifier(wm, (event) => this.onEvent(event));
    this.notifier.on('error', (err: Error) => {
      if (!this.closed) fn(err, []);
    });
    try {
      // Only what the backend can give: parcel's API has no masks, so tswatch's warning about bits a
      // backend lacks (poll: attrib, moves) would say nothing its users asked for.
      const mask = MASK & wm.backend.supportedMask;
      wm.addWatch(dir, mask, { rec: true, autoAdd: true, quiet: false, excludeFilter: options.ignored });
    } catch (err) {
      wm.close();
      throw err;
    }
    // Directories below that could not be watched (unreadable, say) cost only themselves; say which,
    // the way later failures are said, once the caller has its subscription.
    const early = [...wm.errors.values()];
    if (early.length > 0) {
      setImmediate(() => {
        for (const err of early) if (!this.closed) fn(err, []);
      });
    }
    this.notifier.start();
  }

  /** Resolves once every watch delivers events. */
  ready(): Promise<void> {
    return this.notifier.ready();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.notifier.stop();
  }

  private onEvent(event: TswatchEvent): void {
    const path = event.pathname;
    if (this.options.ignored(path)) return;
    const { mask } = event;
    if (mask & (IN_CREATE | IN_MOVED_TO)) this.pending.create(path);
    else if (mask & (IN_MODIFY | IN_ATTRIB)) this.pending.update(path);
    else if (mask & (IN_DELETE | IN_MOVED_FROM)) this.pending.remove(path);
    // A directory below going is already its parent's IN_DELETE or IN_MOVED_FROM; only the root's own says it.
    else if (mask & (IN_DELETE_SELF | IN_MOVE_SELF) && path === this.dir) this.pending.remove(path);
    else return;
    // The notifier hands a kernel read over synchronously: a microtask runs once it is all in; a
    // window of batchMs takes the reads that follow within it too.
    if (!this.flushQueued) {
      this.flushQueued = true;
      if (this.options.batchMs === 0) queueMicrotask(() => this.flush());
      else this.timer = setTimeout(() => this.flush(), this.options.batchMs);
    }
  }

  private flush(): void {
    this.flushQueued = false;
    if (this.closed) return;
    const events = this.pending.take();
    if (events.length > 0) this.fn(null, events);
  }
}

/** Parcel refuses a missing path or a file; say which, and what to do. */
function mustBeDirectory(dir: string): void {
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'ENOENT';
    throw new PathError(`cannot watch '${dir}': ${code === 'ENOENT' ? 'no such directory' : (err as Error).message}`, {
      code,
      path: dir,
      cause: err,
      hint: code === 'ENOENT' ? 'create the directory first, or subscribe to one that exists' : undefined,
    });
  }
  if (!isDir) {
    throw new PathError(`cannot watch '${dir}': not a directory`, {
      code: 'ENOTDIR',
      path: dir,
      hint: 'subscribe to the directory that holds it, and ignore its other entries',
    });
  }
}
