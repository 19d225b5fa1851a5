import { lstatSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { TswatchError } from '../errors.js';

/** What a snapshot keeps of each path: enough to tell created, deleted, modified and moved apart. */
export interface StatInfo {
  ino: number;
  dev: number;
  mtimeMs: number;
  size: number;
  isDir: boolean;
}

export interface SnapshotOptions {
  /** Walk the whole tree (default) or only the directory's own entries. */
  recursive?: boolean;
  /** Paths for which it returns true are left out, with everything below them. */
  exclude?: (path: string) => boolean;
  /** Called after each directory is read (a watcher discounts the events its own reads cause). */
  onRead?: (dir: string) => void;
}

/** The serialized form: the root, then per entry its path relative to the root and its stat fields. */
export interface SnapshotJSON {
  root: string;
  recursive: boolean;
  /** Flat: [relative path, ino, dev, mtimeMs, size, 1 if a directory else 0] repeated. */
  entries: Array<string | number>;
}

const FIELDS = 6;

/**
 * watchdog's DirectorySnapshot: every path under a directory (the directory included) with its inode,
 * device, mtime, size and type. Taken synchronously with lstat (symlinks are entries, not followed):
 * one pass, no per-file promise, so 100k entries take a fraction of a second.
 */
export class DirectorySnapshot {
  readonly root: string;
  readonly recursive: boolean;
  private readonly stats = new Map<string, StatInfo>();
  private byInode: Map<string, string> | undefined;

  constructor(path: string, options: SnapshotOptions = {}) {
    this.root = resolve(path);
    this.recursive = options.recursive ?? true;
    this.walk(options);
  }

  /** A snapshot from its serialized form (no walk). */
  static fromJSON(json: SnapshotJSON): DirectorySnapshot {
    if (typeof json?.root !== 'string' || !Array.isArray(json.entries) || json.entries.length % FIELDS !== 0) {
      throw new TswatchError('not a serialized DirectorySnapshot', {
        code: 'EBADSTATE',
        hint: 'delete the state file; the next run starts afresh',
      });
    }
    const snapshot = Object.create(DirectorySnapshot.prototype) as DirectorySnapshot;
    Object.assign(snapshot, { root: json.root, recursive: json.recursive !== false, stats: new Map(), byInode: undefined });
    const e = json.entries;
    for (let i = 0; i < e.length; i += FIELDS) {
      const rel = e[i] as string;
      const path = rel === '' ? json.root : `${json.root === '/' ? '' : json.root}/${rel}`;
      snapshot.stats.set(path, {
        ino: e[i + 1] as number,
        dev: e[i + 2] as number,
        mtimeMs: e[i + 3] as number,
        size: e[i + 4] as number,
        isDir: e[i + 5] === 1,
      });
    }
    return snapshot;
  }

  toJSON(): SnapshotJSON {
    const entries: Array<string | number> = [];
    const cut = this.root === '/' ? 1 : this.root.length + 1;
    for (const [path, st] of this.stats) {
      entries.push(path === this.root ? '' : path.slice(cut), st.ino, st.dev, st.mtimeMs, st.size, st.isDir ? 1 : 0);
    }
    return { root: this.root, recursive: this.recursive, entries };
  }

  /** Every path in the snapshot, the root included. */
  get paths(): Set<string> {
    return new Set(this.stats.keys());
  }

  get size(): number {
    return this.stats.size;
  }

  has(path: string): boolean {
    return this.stats.has(path);
  }

  stat_info(path: string): StatInfo | undefined {
    return this.stats.get(path);
  }

  /** `[ino, dev]`, as watchdog's inode(). */
  inode(path: string): [number, number] | undefined {
    const st = this.stats.get(path);
    return st && [st.ino, st.dev];
  }

  isdir(path: string): boolean {
    return this.stats.get(path)?.isDir ?? false;
  }

  mtime(path: string): number | undefined {
    return this.stats.get(path)?.mtimeMs;
  }

  /** The path holding inode `[ino, dev]` in this snapshot. */
  path(id: readonly [number, number]): string | undefined {
    if (this.byInode === undefined) {
      this.byInode = new Map();
      for (const [path, st] of this.stats) this.byInode.set(`${st.ino}:${st.dev}`, path);
    }
    return this.byInode.get(`${id[0]}:${id[1]}`);
  }

  private walk({ exclude, onRead }: SnapshotOptions): void {
    const root = lstatOrUndefined(this.root);
    if (root === undefined) return; // a missing directory is an empty snapshot: everything was deleted
    this.stats.set(this.root, root);
    if (!root.isDir) return;
    const stack = [this.root];
    while (stack.length > 0) {
      const dir = stack.pop()!;
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch {
        continue; // vanished or unreadable meanwhile: what it held is unknown, not deleted
      }
      onRead?.(dir);
      const prefix = dir === '/' ? '/' : `${dir}/`;
      for (const name of names) {
        const path = prefix + name;
        if (exclude?.(path)) continue;
        const st = lstatOrUndefined(path);
        if (st === undefined) continue;
        this.stats.set(path, st);
        if (st.isDir && this.recursive) stack.push(path);
      }
    }
  }
}

function lstatOrUndefined(path: string): StatInfo | undefined {
  const st = lstatSync(path, { throwIfNoEntry: false });
  return st && { ino: st.ino, dev: st.dev, mtimeMs: st.mtimeMs, size: st.size, isDir: st.isDirectory() };
}
