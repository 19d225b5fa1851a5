import { IN_IGNORED } from '../masks.js';
import type { Backend, BackendStartOptions, RawEvent } from './backend.js';
import { isRemoteFs, type Mount, mountOfPath, readMounts } from './mount-table.js';

export interface AutoBackendOptions {
  /** The backend for local filesystems (made at once). */
  local: () => Backend;
  /** The backend for network and FUSE mounts (made when the first such path is watched). */
  remote: () => Backend;
  /** The mount table; read from /proc/self/mountinfo by default (tests pass sample lines). */
  mounts?: () => readonly Mount[];
  /** Told once per mount that is polled (default: a process warning). */
  notice?: (message: string) => void;
}

/** How long a read of the mount table is trusted: mounts change rarely, a recursive add is many calls. */
const MOUNTS_TTL_MS = 1000;

interface Inner {
  backend: Backend;
  /** inner wd → outer wd */
  outer: Map<number, number>;
}

/**
 * Routes each watch to the backend its filesystem needs: polling where /proc/self/mountinfo says the
 * path is on a network or FUSE mount (inotify only sees local changes there), the local backend
 * elsewhere. Watch descriptors are its own, mapped to and from the inner backends', so the core sees
 * one backend.
 */
export class AutoBackend implements Backend {
  readonly name = 'auto';
  private readonly local: Inner;
  private remote: Inner | undefined;
  private readonly byWd = new Map<number, { inner: Inner; wd: number }>();
  private nextWd = 1;
  private mountCache: { at: number; mounts: readonly Mount[] } | undefined;
  private readonly told = new Set<string>();
  private started: Parameters<Backend['start']> | undefined;
  private paused = false;

  constructor(private readonly options: AutoBackendOptions) {
    this.local = { backend: options.local(), outer: new Map() };
  }

  /** Every bit some watch may deliver; `supportedMaskOf` says which for one watch. */
  get supportedMask(): number {
    return (this.local.backend.supportedMask | (this.remote?.backend.supportedMask ?? 0)) >>> 0;
  }

  supportedMaskOf(wd: number): number {
    const at = this.byWd.get(wd);
    if (at === undefined) return this.local.backend.supportedMask;
    return at.inner.backend.supportedMaskOf?.(at.wd) ?? at.inner.backend.supportedMask;
  }

  addWatch(path: string, mask: number): number {
    const inner = this.innerFor(path);
    const wd = inner.backend.addWatch(path, mask);
    let outer = inner.outer.get(wd);
    if (outer === undefined) {
      outer = this.nextWd++;
      inner.outer.set(wd, outer);
      this.byWd.set(outer, { inner, wd });
    }
    return outer;
  }

  rmWatch(wd: number): void {
    const at = this.byWd.get(wd);
    at?.inner.backend.rmWatch(at.wd); // its IN_IGNORED, translated, ends the mapping
  }

  start(onBatch: (events: RawEvent[]) => void, onError: (err: Error) => void, options?: BackendStartOptions): void {
    this.started = [onBatch, onError, options];
    for (const inner of this.inners()) this.startInner(inner);
  }

  pause(): void {
    this.paused = true;
    for (const inner of this.inners()) inner.backend.pause();
  }

  resume(): void {
    this.paused = false;
    for (const inner of this.inners()) inner.backend.resume();
  }

  async ready(): Promise<void> {
    await Promise.all(this.inners().map((inner) => inner.backend.ready()));
  }

  close(): void {
    for (const inner of this.inners()) inner.backend.close();
  }

  private inners(): Inner[] {
    return this.remote === undefined ? [this.local] : [this.local, this.remote];
  }

  private startInner(inner: Inner): void {
    const [onBatch, onError, options] = this.started!;
    inner.backend.start((batch) => onBatch(this.translate(inner, batch)), onError, options);
    if (this.paused) inner.backend.pause();
  }

  private translate(inner: Inner, batch: RawEvent[]): RawEvent[] {
    const out: RawEvent[] = [];
    for (const raw of batch) {
      if (raw.wd < 0) {
        out.push(raw); // IN_Q_OVERFLOW belongs to no watch
        continue;
      }
      const wd = inner.outer.get(raw.wd);
      if (wd === undefined) continue;
      out.push({ ...raw, wd });
      if (raw.mask & IN_IGNORED) {
        inner.outer.delete(raw.wd);
        this.byWd.delete(wd);
      }
    }
    return out;
  }

  private innerFor(path: string): Inner {
    const mount = mountOfPath(path, this.mounts());
    if (mount === undefined || !isRemoteFs(mount.fsType)) return this.local;
    if (this.remote === undefined) {
      this.remote = { backend: this.options.remote(), outer: new Map() };
      if (this.started) this.startInner(this.remote);
    }
    if (!this.told.has(mount.mountPoint)) {
      this.told.add(mount.mountPoint);
      const message =
        `'${mount.mountPoint}' is a ${mount.fsType} mount (${mount.source}): inotify does not see changes made ` +
        `by other hosts or the filesystem's daemon there, so paths under it are watched with the ${this.remote.backend.name} backend`;
      (this.options.notice ?? ((m) => process.emitWarning(m, { type: 'TswatchWarning', code: 'TSWATCH_POLLING' })))(message);
    }
    return this.remote;
  }

  private mounts(): readonly Mount[] {
    if (this.options.mounts) return this.options.mounts();
    const now = Date.now();
    if (this.mountCache === undefined || now - this.mountCache.at > MOUNTS_TTL_MS) this.mountCache = { at: now, mounts: readMounts() };
    return this.mountCache.mounts;
  }
}
