import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Finding } from './digest-queue.js';
import { bytes } from './mail-templates.js';
import { denied } from '../permission-denied.js';
import { sha256File } from '../sha256-file.js';

export interface FileCheckSettings {
  checksum: boolean;
  permissions: boolean;
  sizeAbove: number | undefined;
}

/** Where checks report: plain findings, and conditions that last until cleared. */
export interface CheckSink {
  add(finding: Finding): void;
  raise(key: string, finding: Finding): void;
  clear(key: string, finding: Finding): void;
}

/** What a check saw of a file (kept across restarts by BaselineStore). */
export interface FileState {
  size: number;
  mode: number;
  uid: number;
  gid: number;
  hash: string | undefined;
}

const octal = (mode: number): string => (mode & 0o7777).toString(8).padStart(4, '0');

async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (err) {
    if (['ENOENT', 'ENOTDIR'].includes((err as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw err;
  }
}

/**
 * monit's file checks: content (sha256), permissions and owner, and size above a limit (a condition,
 * reported when it starts and when it ends). The first look at a file only records it, except that a
 * file already above the limit is reported.
 */
export class FileChecks {
  private states = new Map<string, FileState>();
  /** Bumped whenever a file's state is recorded or dropped: whether there is something new to save. */
  version = 0;

  constructor(
    private readonly settings: FileCheckSettings,
    private readonly sink: CheckSink,
    /** A file whose content cannot be read (its mode, owner and size still are checked). */
    private readonly onUnreadable?: (path: string, err: unknown) => void,
  ) {}

  get active(): boolean {
    return this.settings.checksum || this.settings.permissions || this.settings.sizeAbove !== undefined;
  }

  /** What every file looked like at its last check. */
  snapshot(): ReadonlyMap<string, FileState> {
    return this.states;
  }

  /** Take up from an earlier run's last look (the next check of each file reports what changed since). */
  restore(states: Map<string, FileState>): void {
    this.states = states;
  }

  /** Drop a file from the baseline (it is gone), without a check. */
  forget(path: string): void {
    if (this.states.delete(path)) this.version++;
  }

  /**
   * Look at `path` again and report what changed since the last look. `offline`: the last look was
   * an earlier run's, so the findings say the change was made while tswatch was not running.
   */
  async check(path: string, offline = false): Promise<void> {
    const meanwhile = offline ? ' while tswatch was not running' : '';
    const st = await statOrUndefined(path);
    const time = Date.now();
    const sizeKey = `size:${path}`;
    if (st === undefined || !st.isFile()) {
      if (this.states.delete(path)) this.version++;
      this.sink.clear(sizeKey, { time, path, kind: 'size', what: 'file removed: no longer above the size limit' });
      return;
    }
    const before = this.states.get(path);
    // Gone or swapped mid-read: the next look settles it. Not ours to read: said, never silently unchecked.
    const hash = this.settings.checksum
      ? await sha256File(path).catch((err: unknown) => {
          if (denied(err)) this.onUnreadable?.(path, err);
          return before?.hash;
        })
      : undefined;
    const now: FileState = { size: st.size, mode: st.mode, uid: st.uid, gid: st.gid, hash };
    this.states.set(path, now);
    this.version++;
    if (before && this.settings.permissions) {
      const changes: string[] = [];
      if ((before.mode & 0o7777) !== (now.mode & 0o7777)) changes.push(`mode ${octal(before.mode)} -> ${octal(now.mode)}`);
      if (before.uid !== now.uid || before.gid !== now.gid) changes.push(`owner ${before.uid}:${before.gid} -> ${now.uid}:${now.gid}`);
      if (changes.length > 0)
        this.sink.add({ time, path, kind: 'permissions', what: `permissions changed${meanwhile}`, detail: changes.join(', ') });
    }
    if (before?.hash && now.hash && before.hash !== now.hash) {
      this.sink.add({
        time,
        path,
        kind: 'content',
        what: `content changed${meanwhile}`,
        detail: `sha256 ${before.hash.slice(0, 16)}... -> ${now.hash.slice(0, 16)}..., size ${before.size} -> ${now.size}`,
      });
    }
    const limit = this.settings.sizeAbove;
    if (limit === undefined) return;
    if (now.size > limit) {
      this.sink.raise(sizeKey, {
        time,
        path,
        kind: 'size',
        what: `size above ${bytes(limit)}`,
        detail: `${bytes(now.size)} (${now.size} bytes)`,
      });
    } else {
      this.sink.clear(sizeKey, {
        time,
        path,
        kind: 'size',
        what: `size back below ${bytes(limit)}`,
        detail: `${bytes(now.size)} (${now.size} bytes)`,
      });
    }
  }
}
