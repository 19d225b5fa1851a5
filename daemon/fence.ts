import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Event, IN_CREATE, type WatchManager } from '../src/index.js';

/**
 * A marker in the event stream. inotify keeps order within one fd, so once a file created now in a
 * private directory (watched on the same WatchManager) is dispatched, every event the kernel queued
 * before it has been dispatched too. Used to drain exactly what is queued at shutdown and to know which
 * events a command caused (--ignore-own) without guessing with timers.
 */
export class Fence {
  readonly dir: string;
  private seq = 0;
  private readonly waiting = new Map<string, { resolve: () => void; onReached: (() => void) | undefined }>();

  constructor(watchManager: WatchManager) {
    this.dir = mkdtempSync(join(process.env.XDG_RUNTIME_DIR ?? tmpdir(), 'tswatch-fence-'));
    watchManager.addWatch(this.dir, IN_CREATE, { procFun: (event: Event) => this.reached(event.name), quiet: false });
  }

  /** True for the fence directory and what is in it: the user's watches must leave it alone. */
  covers(path: string): boolean {
    return path === this.dir || path.startsWith(`${this.dir}/`);
  }

  /**
   * Drop a marker. `onReached` runs synchronously when it is dispatched (before any later event);
   * the promise resolves then too.
   */
  mark(onReached?: () => void): Promise<void> {
    const name = `m${++this.seq}`;
    const reached = new Promise<void>((resolve) => this.waiting.set(name, { resolve, onReached }));
    const file = join(this.dir, name);
    writeFileSync(file, '');
    unlinkSync(file);
    return reached;
  }

  /** Resolve every marker still waiting (the notifier stopped: nothing more will come). */
  release(): void {
    for (const name of [...this.waiting.keys()]) this.reached(name);
  }

  close(): void {
    this.release();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private reached(name: string): void {
    const waiter = this.waiting.get(name);
    if (waiter === undefined) return;
    this.waiting.delete(name);
    waiter.onReached?.();
    waiter.resolve();
  }
}
