import { dirname } from 'node:path';
import type { Backend } from './backends/backend.js';
import { kernelMask } from './kernel-mask.js';
import { IN_MASK_CREATE, IN_ONESHOT } from './masks.js';
import { SCAN_ECHO } from './scan-echoes.js';
import type { WatchIndex } from './watch-index.js';

/**
 * A tree being watched from scratch needs no echo suppression at all: each directory is armed without
 * IN_OPEN, IN_ACCESS and IN_CLOSE_NOWRITE, read, and given them only after everything below it was read
 * too, so tswatch's reads queue nothing (a big tree would otherwise overflow the queue with them).
 */
export class MutedWalk {
  /** During a walk, wd → flags of the watches armed so far without the bits its reads would echo in. */
  private muted: Map<number, number> | undefined;

  constructor(
    private readonly index: WatchIndex,
    private readonly backend: Backend,
    /** The watches were armed by another process (an inherited fd): live, so never narrowed. */
    private readonly inherited: boolean,
  ) {}

  /** Start a walk of the tree at `path` muted, when it can be. Not when the parent is watched for those bits: it would see the read of the top, with no twin. */
  begin(path: string, mask: number): void {
    if (this.inherited || !(mask & SCAN_ECHO) || mask & IN_ONESHOT || !(this.backend.supportedMask & SCAN_ECHO)) return;
    const parent = this.index.at(dirname(path));
    if (parent === undefined || !(parent.mask & SCAN_ECHO) || path === '/') this.muted = new Map();
  }

  /** True while `wd` is armed without its echo bits (its reads queue none). */
  has(wd: number): boolean {
    return this.muted?.has(wd) ?? false;
  }

  /** The kernel mask to arm a directory with now: without the echo bits during a walk. */
  arm(kernel: number, isDir: boolean): number {
    return this.muted !== undefined && isDir ? kernel & ~SCAN_ECHO : kernel;
  }

  /** Note a directory armed by `arm` (its `flags` are kept for the unmuting). */
  armed(wd: number, isDir: boolean, flags: number): void {
    if (this.muted !== undefined && isDir) this.muted.set(wd, flags);
  }

  /** The walk is done: give the muted watches their whole mask. */
  end(): void {
    const muted = this.muted;
    this.muted = undefined;
    if (muted === undefined) return;
    for (const [wd, flags] of muted) {
      const watch = this.index.get(wd);
      if (watch === undefined) continue;
      try {
        const now = this.backend.addWatch(watch.path, (kernelMask(watch.mask, true) & ~IN_MASK_CREATE) | flags);
        // Another directory took the path since (a rename): that one is not ours to watch.
        if (now !== wd && !this.index.has(now)) this.backend.rmWatch(now);
      } catch {
        // Gone since it was read: its IN_IGNORED is on the way.
      }
    }
  }
}
