import { basename, dirname } from 'node:path';
import { errnoError, TswatchError } from '../errors.js';
import { ALL_EVENTS, IN_DELETE_SELF, IN_DONT_FOLLOW, IN_IGNORED, IN_ONESHOT, IN_Q_OVERFLOW, u32 } from '../masks.js';
import { type Backend, type BackendStartOptions, RAW_MEET, type RawEvent } from './backend.js';
import { fanotifyProblem, INOTIFY_FALLBACK } from './fanotify-support.js';
import { parseFanotifyRecords } from './fanotify-records.js';
import { requireAddon } from './inotify.js';
import { mountOfPath, readMounts } from './mount-table.js';
import type { NativeAddon, NativeFanotify } from './native-addon.js';
import { WatchTable } from './watch-table.js';

/** As the inotify backend: bytes read but not yet taken by JavaScript before the reader stops reading. */
const MAX_PENDING = 16 * 1024 * 1024;

/** The filesystem type of `path` as the mount table names it, for error messages. */
function fsTypeOf(path: string): string {
  try {
    return mountOfPath(path)?.fsType ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The addon's errors, as a user should read them: the reason, and the inotify fallback. */
function fanotifyError(err: unknown, op: string, path?: string): unknown {
  const e = err as NodeJS.ErrnoException;
  if (typeof e?.code !== 'string') return err;
  const where = path === undefined ? '' : ` '${path}'`;
  switch (e.code) {
    case 'EPERM':
      return new TswatchError(
        `${op}${where}: ${fanotifyProblem()?.reason ?? 'fanotify filesystem marks need CAP_SYS_ADMIN in the initial user namespace'}`,
        { code: 'EPERM', path, cause: err, hint: `${INOTIFY_FALLBACK}, or run as root` },
      );
    case 'EOPNOTSUPP':
    case 'EXDEV':
    case 'ENODEV':
      return new TswatchError(
        `${op}${where}: this filesystem (${path === undefined ? 'unknown' : fsTypeOf(path)}) gives no file handles fanotify can report (${e.code})`,
        { code: 'EOPNOTSUPP', path, cause: err, hint: INOTIFY_FALLBACK },
      );
    case 'EINVAL':
      if (op === 'fanotify_init') {
        return new TswatchError('fanotify_init: this kernel lacks FAN_REPORT_DFID_NAME_TARGET (Linux 5.17 or later)', {
          code: 'ENOSYS',
          cause: err,
          hint: INOTIFY_FALLBACK,
        });
      }
      return errnoError(e, op, path);
    default:
      return errnoError(e, op, path);
  }
}

/**
 * Kernel fanotify, as root: one filesystem mark per filesystem, so no per-directory kernel watch and no
 * watch limit, and each event names the process that caused it. Watch descriptors follow inotify's rules
 * (WatchTable); the native reader keeps the watched objects by file handle and drops the rest of the
 * filesystem's activity before it reaches JavaScript. Renames arrive as one FAN_RENAME, given out as an
 * IN_MOVED_FROM / IN_MOVED_TO pair with a cookie.
 */
export class FanotifyBackend implements Backend {
  readonly name = 'fanotify';
  readonly supportedMask = u32(ALL_EVENTS | IN_Q_OVERFLOW | IN_IGNORED);
  private readonly fan: NativeFanotify;
  private readonly keys = new Map<number, Buffer>();
  private readonly table = new WatchTable((wd) => {
    const key = this.keys.get(wd);
    this.keys.delete(wd);
    if (this.closed) return;
    if (key !== undefined) this.fan.clearWatch(key);
    else this.fan.forgetMet(wd); // a directory the reader met
  });
  /** Filesystem (the key's fsid) → the IN_* bits its mark carries. */
  private readonly marked = new Map<string, number>();
  private onBatch: ((events: RawEvent[]) => void) | undefined;
  private closed = false;

  constructor(addon?: NativeAddon) {
    const problem = fanotifyProblem();
    if (problem) throw new TswatchError(`fanotify backend unavailable: ${problem.reason}`, { code: problem.code, hint: problem.hint });
    try {
      this.fan = new (addon ?? requireAddon()).Fanotify();
    } catch (err) {
      throw fanotifyError(err, 'fanotify_init');
    }
  }

  addWatch(path: string, mask: number): number {
    const { wd, isNew } = this.table.add(path, mask);
    const watch = this.table.get(wd)!;
    try {
      const key = this.fan.handle(path, !(mask & IN_DONT_FOLLOW));
      const fs = key.subarray(0, 8).toString('hex');
      const had = this.marked.get(fs) ?? 0;
      const want = (had | watch.mask) & ALL_EVENTS;
      if (want !== had || !this.marked.has(fs)) {
        this.fan.mark(path, want);
        this.marked.set(fs, want);
      }
      // A directory's own events (chmod, open) name no parent in fanotify: the reader reports them to
      // the parent's watch by this name, as inotify does, and follows the directory's renames itself.
      let parent: Buffer | undefined;
      if (watch.path !== '/') {
        try {
          parent = this.fan.handle(dirname(watch.path), true);
        } catch {
          parent = undefined; // gone already: its IN_DELETE_SELF is on the way
        }
      }
      this.fan.setWatch(key, wd, watch.mask, watch.isDir, parent, basename(watch.path));
      this.keys.set(wd, key);
    } catch (err) {
      if (isNew) this.table.remove(wd);
      throw fanotifyError(err, 'watch', path);
    }
    return wd;
  }

  watchTree(wd: number): readonly string[] | undefined {
    const key = this.keys.get(wd);
    const watch = this.table.get(wd);
    if (key === undefined || watch === undefined || !watch.isDir) return undefined;
    const mounts = readMounts();
    const mount = mountOfPath(watch.path, mounts);
    if (mount === undefined) return undefined;
    this.fan.watchTree(key, watch.path, mount.mountPoint);
    const prefix = watch.path === '/' ? '/' : `${watch.path}/`;
    return [...new Set(mounts.map((m) => m.mountPoint).filter((p) => p.startsWith(prefix) && p !== watch.path))].sort();
  }

  rmWatch(wd: number): void {
    if (!this.table.remove(wd)) return;
    // As inotify: IN_IGNORED comes on a later read, never inside the call.
    queueMicrotask(() => this.emit([{ wd, mask: IN_IGNORED, cookie: 0, name: '' }]));
  }

  start(onBatch: (events: RawEvent[]) => void, onError: (err: Error) => void, _options?: BackendStartOptions): void {
    this.onBatch = onBatch;
    this.fan.start(
      (chunk) => {
        if (this.closed) return;
        if (!Buffer.isBuffer(chunk)) return onError(errnoError(chunk, 'read'));
        try {
          this.emit(this.endWatches(parseFanotifyRecords(chunk)));
        } catch (err) {
          onError(err instanceof Error ? err : new Error(String(err)));
        }
      },
      { maxPending: MAX_PENDING },
    );
  }

  pause(): void {
    this.fan.pause();
  }

  resume(): void {
    this.fan.resume();
  }

  /** A filesystem mark is live when fanotify_mark returns. */
  ready(): Promise<void> {
    return Promise.resolve();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.fan.close();
    this.table.clear();
    this.keys.clear();
  }

  private emit(events: RawEvent[]): void {
    if (!this.closed && events.length > 0) this.onBatch?.(events);
  }

  /** Drop records of watches ended meanwhile; end a watch as inotify does (deleted, or oneshot fired). */
  private endWatches(events: RawEvent[]): RawEvent[] {
    const out: RawEvent[] = [];
    for (const raw of events) {
      if (raw.wd < 0) {
        out.push(raw);
        continue;
      }
      if (raw.mask & RAW_MEET) {
        const parent = this.table.get(raw.cookie);
        if (parent === undefined) continue; // its tree is unwatched meanwhile
        this.table.adopt(raw.wd, parent.mask);
        out.push(raw);
        continue;
      }
      const watch = this.table.get(raw.wd);
      if (watch === undefined) continue;
      out.push(raw);
      if (raw.mask & IN_DELETE_SELF || watch.mask & IN_ONESHOT) {
        this.table.remove(raw.wd);
        out.push({ wd: raw.wd, mask: IN_IGNORED, cookie: 0, name: '' });
      }
    }
    return out;
  }
}
