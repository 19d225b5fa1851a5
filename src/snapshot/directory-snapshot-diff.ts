import type { DirectorySnapshot } from './directory-snapshot.js';

export interface SnapshotDiffOptions {
  /** Compare inodes without the device (a remounted NFS export changes it). */
  ignore_device?: boolean;
}

/**
 * watchdog's DirectorySnapshotDiff: what changed between two snapshots of the same tree. A path whose
 * inode turns up elsewhere moved (same type, and for a file the same mtime and size: a reused inode is
 * not a move); one whose inode changed was deleted and created again; one whose mtime or size changed
 * was modified.
 */
export class DirectorySnapshotDiff {
  readonly files_created: string[] = [];
  readonly files_deleted: string[] = [];
  readonly files_modified: string[] = [];
  readonly files_moved: Array<[string, string]> = [];
  readonly dirs_created: string[] = [];
  readonly dirs_deleted: string[] = [];
  readonly dirs_modified: string[] = [];
  readonly dirs_moved: Array<[string, string]> = [];

  constructor(ref: DirectorySnapshot, snapshot: DirectorySnapshot, options: SnapshotDiffOptions = {}) {
    const id = (s: DirectorySnapshot, path: string): string => {
      const [ino, dev] = s.inode(path)!;
      return options.ignore_device ? `${ino}` : `${ino}:${dev}`;
    };
    const find = (s: DirectorySnapshot, path: string, other: DirectorySnapshot): string | undefined => {
      const [ino, dev] = s.inode(path)!;
      if (!options.ignore_device) return other.path([ino, dev]);
      for (const p of other.paths) if (other.inode(p)![0] === ino) return p;
      return undefined;
    };
    const created = new Set<string>();
    const deleted = new Set<string>();
    for (const path of snapshot.paths) if (!ref.has(path)) created.add(path);
    for (const path of ref.paths) {
      if (!snapshot.has(path)) deleted.add(path);
      else if (id(ref, path) !== id(snapshot, path)) {
        created.add(path);
        deleted.add(path);
      }
    }
    // An inode that left one path and turned up at another moved (watchdog's rule, both directions) —
    // unless it is a freed inode the filesystem reused: then the type differs, or for a file the
    // mtime or size (a rename keeps both; a new file gets its own).
    const sameEntry = (from: string, to: string) => {
      const a = ref.stat_info(from)!;
      const b = snapshot.stat_info(to)!;
      return a.isDir === b.isDir && (a.isDir || (a.mtimeMs === b.mtimeMs && a.size === b.size));
    };
    const moved = new Map<string, string>();
    for (const path of [...deleted]) {
      const to = find(ref, path, snapshot);
      if (to === undefined || !sameEntry(path, to)) continue;
      deleted.delete(path);
      moved.set(path, to);
    }
    for (const path of [...created]) {
      const from = find(snapshot, path, ref);
      if (from === undefined || !sameEntry(from, path)) continue;
      created.delete(path);
      moved.set(from, path);
    }
    const changed = (a: string, b: string) => ref.mtime(a) !== snapshot.mtime(b) || ref.stat_info(a)!.size !== snapshot.stat_info(b)!.size;
    const modified = new Set<string>();
    for (const path of ref.paths) {
      if (snapshot.has(path) && !deleted.has(path) && id(ref, path) === id(snapshot, path) && changed(path, path)) modified.add(path);
    }
    for (const [from, to] of moved) if (changed(from, to)) modified.add(from);

    for (const path of created) (snapshot.isdir(path) ? this.dirs_created : this.files_created).push(path);
    for (const path of deleted) (ref.isdir(path) ? this.dirs_deleted : this.files_deleted).push(path);
    for (const path of modified) (ref.isdir(path) ? this.dirs_modified : this.files_modified).push(path);
    for (const [from, to] of moved) (ref.isdir(from) ? this.dirs_moved : this.files_moved).push([from, to]);
    for (const list of [
      this.files_created,
      this.files_deleted,
      this.files_modified,
      this.dirs_created,
      this.dirs_deleted,
      this.dirs_modified,
    ])
      list.sort();
    this.files_moved.sort();
    this.dirs_moved.sort();
  }

  /** True when nothing changed. */
  get empty(): boolean {
    return [
      this.files_created,
      this.files_deleted,
      this.files_modified,
      this.files_moved,
      this.dirs_created,
      this.dirs_deleted,
      this.dirs_modified,
      this.dirs_moved,
    ].every((list) => list.length === 0);
  }
}
