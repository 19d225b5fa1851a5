import { lstatSync, statSync } from 'node:fs';
import type { Backend, RawEvent } from '../../src/backends/backend.js';
import { errnoError } from '../../src/errors.js';
import { ALL_EVENTS, IN_DONT_FOLLOW, IN_IGNORED, IN_ONLYDIR, IN_Q_OVERFLOW, IN_UNMOUNT } from '../../src/masks.js';

/**
 * A backend the test drives: watches are real paths (same inode → same wd, as inotify does) but events
 * are injected with `emit`, so races and batch boundaries can be set up exactly.
 */
export class FakeBackend implements Backend {
  readonly name = 'fake';
  readonly supportedMask = ALL_EVENTS | IN_IGNORED | IN_Q_OVERFLOW | IN_UNMOUNT;
  readonly masks = new Map<number, number>();
  readonly removed: number[] = [];
  closed = false;
  paused = false;
  private readonly byInode = new Map<string, number>();
  private nextWd = 1;
  private onBatch: ((events: RawEvent[]) => void) | undefined;

  addWatch(path: string, mask: number): number {
    let inode: string;
    try {
      // As inotify_add_watch: IN_DONT_FOLLOW watches a symlink itself, IN_ONLYDIR refuses a non-directory.
      const st = mask & IN_DONT_FOLLOW ? lstatSync(path) : statSync(path);
      if (mask & IN_ONLYDIR && !st.isDirectory()) throw Object.assign(new Error(`ENOTDIR: ${path}`), { code: 'ENOTDIR' });
      inode = `${st.dev}:${st.ino}`;
    } catch (err) {
      throw errnoError(err as NodeJS.ErrnoException, 'inotify_add_watch', path);
    }
    let wd = this.byInode.get(inode);
    if (wd === undefined) {
      wd = this.nextWd++;
      this.byInode.set(inode, wd);
    }
    this.masks.set(wd, mask >>> 0);
    return wd;
  }

  rmWatch(wd: number): void {
    this.masks.delete(wd);
    this.removed.push(wd);
    for (const [inode, w] of this.byInode) if (w === wd) this.byInode.delete(inode);
  }

  start(onBatch: (events: RawEvent[]) => void): void {
    this.onBatch = onBatch;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  ready(): Promise<void> {
    return Promise.resolve();
  }

  close(): void {
    this.closed = true;
  }

  /** Deliver one batch, as one read() would. */
  emit(...events: Array<Partial<RawEvent> & { wd: number; mask: number }>): void {
    if (this.onBatch === undefined) throw new Error('FakeBackend.emit before start()');
    this.onBatch(events.map((e) => ({ cookie: 0, name: '', ...e })));
  }
}
