/**
 * The process that caused an event, where the backend knows it (fanotify). `pid` is the kernel's; the rest
 * is read from /proc when the event is read, so a process already gone has its pid only.
 */
export interface Writer {
  pid: number;
  uid?: number;
  /** The command name (/proc/PID/comm). */
  comm?: string;
  /** The executable (/proc/PID/exe). */
  exe?: string;
}

/**
 * Not a kernel event: a backend learning a tree lazily (`watchTree`) names a directory below it for the
 * first time, before the records about it. `wd` is its new watch, `cookie` its parent's wd, `name` its name.
 */
export const RAW_MEET = 0x00001000;

/**
 * Not a kernel event: the backend read `cookie` events it could not name (a directory of a lazily learnt
 * tree deleted before they were read), and gives them up. `wd` is -1.
 */
export const RAW_UNNAMED = 0x00010000;

/** One kernel-level record, as inotify(7) gives it: the only thing a backend produces. */
export interface RawEvent {
  wd: number;
  mask: number;
  cookie: number;
  name: string;
  /** Who did it: only from backends that know (fanotify); never guessed. */
  writer?: Writer;
}

export interface BackendStartOptions {
  /** pyinotify's read_freq, in seconds: wait this long between reads so the kernel queue accumulates. */
  readFreq?: number;
  /** pyinotify's threshold, in bytes: read only once the kernel queue holds at least this much. */
  threshold?: number;
}

/**
 * The one seam between the core and where events come from. The core never asks which backend it has:
 * it reads `supportedMask` and warns once about bits the backend cannot give.
 */
export interface Backend {
  readonly name: string;
  /** Event bits (IN_*) this backend really delivers. */
  readonly supportedMask: number;
  /** Bits one watch really delivers, when that differs by watch (a backend routing paths to others). */
  supportedMaskOf?(wd: number): number;
  /**
   * Add or replace the watch on `path`; returns its watch descriptor. Like inotify_add_watch, the same
   * inode yields the same wd. Throws a TswatchError (ENOSPC, ENOENT, ...).
   */
  addWatch(path: string, mask: number): number;
  /**
   * Learn the tree below the watched directory `wd` from events instead of a walk: each directory is
   * given a watch (a RAW_MEET record) when an event first names it. Undefined when it cannot; else the
   * mount points below it (other filesystems, which this one's events do not cover), in path order.
   */
  watchTree?(wd: number): readonly string[] | undefined;
  /** Remove a watch; a wd the kernel already dropped is not an error. */
  rmWatch(wd: number): void;
  /** Begin delivering batches, in kernel order. `onBatch` runs on the JS thread. */
  start(onBatch: (events: RawEvent[]) => void, onError: (err: Error) => void, options?: BackendStartOptions): void;
  /** Stop reading (the kernel queue absorbs what comes meanwhile); resume() reads again. */
  pause(): void;
  resume(): void;
  /** Resolves once every watch added so far is live. */
  ready(): Promise<void>;
  /** Stop the reader and release the fd; idempotent. The process may exit afterwards. */
  close(): void;
}
