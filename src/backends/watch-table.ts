import { lstatSync, realpathSync, type Stats, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { errnoError } from '../errors.js';
import { ALL_EVENTS, IN_DONT_FOLLOW, IN_IGNORED, IN_MASK_ADD, IN_MASK_CREATE, IN_ONESHOT, IN_ONLYDIR, u32 } from '../masks.js';
import type { RawEvent } from './backend.js';

export interface TableWatch {
  /** The real path: emulating backends hear about real paths under the roots they were given. */
  path: string;
  inode: string;
  mask: number;
  isDir: boolean;
}

const errno = (code: string, message: string): NodeJS.ErrnoException => Object.assign(new Error(message), { code });

/**
 * The watch descriptors of a backend that emulates inotify in user space (parcel, poll), with
 * inotify_add_watch's rules: the same inode gives the same wd, IN_MASK_ADD / IN_MASK_CREATE / IN_ONLYDIR
 * / IN_DONT_FOLLOW / IN_ONESHOT behave as the kernel's.
 */
export class WatchTable {
  private readonly watches = new Map<number, TableWatch>();
  private readonly byPath = new Map<string, number>();
  private readonly byInode = new Map<string, number>();
  private nextWd = 1;

  /** `released` runs after a watch is removed (rmWatch, its path gone, a oneshot fired). */
  constructor(private readonly released: (wd: number, watch: TableWatch) => void = () => {}) {}

  /** Add or update the watch on `path`; throws a TswatchError as inotify_add_watch would fail. */
  add(path: string, mask: number): { wd: number; isNew: boolean } {
    let st: Stats;
    let key: string;
    try {
      st = mask & IN_DONT_FOLLOW ? lstatSync(path) : statSync(path);
      const abs = resolve(path);
      // realpath(3), one call: the JS realpathSync lstats each component, and a recursive add makes thousands.
      key = mask & IN_DONT_FOLLOW ? resolve(realpathSync.native(dirname(abs)), basename(abs)) : realpathSync.native(abs);
    } catch (err) {
      throw errnoError(err as NodeJS.ErrnoException, 'watch', path);
    }
    if (mask & IN_ONLYDIR && !st.isDirectory()) throw errnoError(errno('ENOTDIR', 'not a directory'), 'watch', path);
    const inode = `${st.dev}:${st.ino}`;
    const known = this.byInode.get(inode);
    if (known !== undefined) {
      if (mask & IN_MASK_CREATE) throw errnoError(errno('EEXIST', 'already watched'), 'watch', path);
      const watch = this.watches.get(known)!;
      watch.mask = u32((mask & IN_MASK_ADD ? watch.mask | mask : mask) & ~IN_MASK_ADD);
      return { wd: known, isNew: false };
    }
    const wd = this.nextWd++;
    this.watches.set(wd, { path: key, inode, mask: u32(mask & ~IN_MASK_ADD), isDir: st.isDirectory() });
    this.byPath.set(key, wd);
    this.byInode.set(inode, wd);
    return { wd, isNew: true };
  }

  /** A directory watch the backend made itself, known by its wd only (fanotify's met directories). */
  adopt(wd: number, mask: number): void {
    this.watches.set(wd, { path: '', inode: `wd:${wd}`, mask, isDir: true });
  }

  get(wd: number): TableWatch | undefined {
    return this.watches.get(wd);
  }

  /** The wd watching exactly this (real) path. */
  wdOf(path: string): number | undefined {
    return this.byPath.get(path);
  }

  has(path: string): boolean {
    return this.byPath.has(path);
  }

  values(): IterableIterator<TableWatch> {
    return this.watches.values();
  }

  entries(): IterableIterator<[number, TableWatch]> {
    return this.watches.entries();
  }

  /** Drop a watch; false when there was none. */
  remove(wd: number): boolean {
    const watch = this.watches.get(wd);
    if (watch === undefined) return false;
    this.watches.delete(wd);
    if (this.byPath.get(watch.path) === wd) this.byPath.delete(watch.path);
    if (this.byInode.get(watch.inode) === wd) this.byInode.delete(watch.inode);
    this.released(wd, watch);
    return true;
  }

  clear(): void {
    this.watches.clear();
    this.byPath.clear();
    this.byInode.clear();
  }

  /** Deliver only the bits the watch asked for; a oneshot watch ends after its first event. */
  push(out: RawEvent[], wd: number, mask: number, name: string): void {
    const watch = this.watches.get(wd);
    if (watch === undefined || (mask & watch.mask & ALL_EVENTS) === 0) return;
    out.push({ wd, mask, cookie: 0, name });
    if (watch.mask & IN_ONESHOT && this.remove(wd)) out.push({ wd, mask: IN_IGNORED, cookie: 0, name: '' });
  }
}
