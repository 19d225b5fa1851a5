import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { TswatchError } from './errors.js';
import { DirectorySnapshot, type SnapshotJSON } from './snapshot/directory-snapshot.js';
import { DirectorySnapshotDiff } from './snapshot/directory-snapshot-diff.js';
import type { WatchManager } from './watch-manager.js';
import { lazyBuiltin } from './lazy-builtin.js';

/** Only --state reads and writes the state file. */
const zlib = lazyBuiltin<typeof import('node:zlib')>('node:zlib');

/** One change found between two runs, in the order it is replayed. */
export type TreeChange =
  | { kind: 'created' | 'deleted' | 'modified'; path: string; isDir: boolean }
  | { kind: 'moved'; path: string; dest: string; isDir: boolean };

interface StateJSON {
  version: 1;
  roots: SnapshotJSON[];
}

/**
 * The watched trees' state between runs (`stateFile`): snapshots of every root watch, gzipped JSON,
 * written atomically (temp file + rename) so a crash mid-write leaves the previous state. On start, the
 * difference to the last saved state is what changed while nothing was watching.
 */
export class TreeState {
  private current: DirectorySnapshot[] = [];
  /** Each tree's absolute root (a snapshot's spelling) → its watch's path as given (the WatchManager's). */
  private spelling = new Map<string, string>();

  constructor(
    readonly file: string,
    private readonly wm: WatchManager,
  ) {}

  /** Snapshot the trees now and return what changed since the saved state (nothing on a first run). */
  changes(): TreeChange[] {
    const saved = new Map(this.load().map((s) => [s.root, s]));
    this.current = this.snapshots();
    const changes: TreeChange[] = [];
    for (const now of this.current) {
      const before = saved.get(now.root);
      if (before !== undefined) changes.push(...ordered(new DirectorySnapshotDiff(before, now)).map((c) => this.asWatched(c, now.root)));
    }
    return changes;
  }

  /** Write the state: the snapshots `changes()` took, or fresh ones. */
  save(fresh = true): void {
    if (fresh) this.current = this.snapshots();
    const state: StateJSON = { version: 1, roots: this.current.map((s) => s.toJSON()) };
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      writeFileSync(tmp, zlib().gzipSync(JSON.stringify(state), { level: 1 }));
      renameSync(tmp, this.file);
    } catch (err) {
      throw new TswatchError(`cannot save the state to '${this.file}': ${(err as Error).message}`, {
        code: (err as NodeJS.ErrnoException).code ?? 'ESTATE',
        path: this.file,
        cause: err,
        hint: 'choose a state file in a writable directory',
      });
    }
  }

  /**
   * The top watches (no watched parent) are the trees; each is snapshotted as it is watched. Snapshots
   * name paths absolutely (a state file means the same tree from any working directory); the watches
   * keep the paths as given, so what the walk reads, and what changed, is told to them in that spelling.
   */
  private snapshots(): DirectorySnapshot[] {
    const watches = [...this.wm.watches()];
    const paths = new Set(watches.map((w) => w.path));
    this.spelling.clear();
    return watches
      .filter((w) => !paths.has(dirname(w.path)) || w.path === '/')
      .map((w) => {
        const root = resolve(w.path);
        this.spelling.set(root, w.path);
        const recursive = w.autoAdd || watches.some((o) => o.path.startsWith(`${w.path}/`));
        return new DirectorySnapshot(w.path, {
          recursive,
          exclude: w.excludeFilter,
          onRead: (dir) => this.wm.noteOwnRead(this.watched(dir, root)),
        });
      });
  }

  /** `path` (absolute, under the tree `root`) as the watch of that tree spells it. */
  private watched(path: string, root: string): string {
    const given = this.spelling.get(root);
    if (given === undefined || given === root) return path;
    // A watch path is normalized (no trailing '/', and '/' itself is absolute, returned above).
    return path === root ? given : given + path.slice(root.length);
  }

  private asWatched(change: TreeChange, root: string): TreeChange {
    const path = this.watched(change.path, root);
    return change.kind === 'moved' ? { ...change, path, dest: this.watched(change.dest, root) } : { ...change, path };
  }

  private load(): DirectorySnapshot[] {
    let raw: Buffer;
    try {
      raw = readFileSync(this.file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []; // first run
      throw new TswatchError(`cannot read the state file '${this.file}': ${(err as Error).message}`, {
        code: 'ESTATE',
        path: this.file,
        cause: err,
      });
    }
    try {
      const state = JSON.parse(zlib().gunzipSync(raw).toString('utf8')) as StateJSON;
      if (state.version !== 1 || !Array.isArray(state.roots)) throw new Error(`unknown state version ${state.version}`);
      return state.roots.map((r) => DirectorySnapshot.fromJSON(r));
    } catch (err) {
      throw new TswatchError(`'${this.file}' is not a tswatch state file: ${(err as Error).message}`, {
        code: 'EBADSTATE',
        path: this.file,
        cause: err,
        hint: 'delete it (changes made while tswatch was down will not be reported this once) or give another --state file',
      });
    }
  }
}

/**
 * Deletions deepest first, then moves and creations parents first, then modifications. Entries inside
 * a moved directory moved with it and are not listed again (their directory's move says it).
 */
function ordered(diff: DirectorySnapshotDiff): TreeChange[] {
  const movedDirs = new Map(diff.dirs_moved);
  const movedFiles = new Map(diff.files_moved);
  const inMovedDir = ([from, to]: [string, string]) => movedDirs.get(dirname(from)) === dirname(to);
  const deep = (a: string, b: string) => b.split('/').length - a.split('/').length;
  const shallow = (a: string, b: string) => -deep(a, b);
  return [
    ...[...diff.files_deleted.map((path) => ({ path, isDir: false })), ...diff.dirs_deleted.map((path) => ({ path, isDir: true }))]
      .sort((a, b) => deep(a.path, b.path))
      .map((c) => ({ kind: 'deleted' as const, ...c })),
    ...diff.dirs_moved
      .filter((m) => !inMovedDir(m))
      .sort((a, b) => shallow(a[0], b[0]))
      .map(([path, dest]) => ({ kind: 'moved' as const, path, dest, isDir: true })),
    ...diff.files_moved.filter((m) => !inMovedDir(m)).map(([path, dest]) => ({ kind: 'moved' as const, path, dest, isDir: false })),
    ...diff.dirs_created.sort(shallow).map((path) => ({ kind: 'created' as const, path, isDir: true })),
    ...diff.files_created.map((path) => ({ kind: 'created' as const, path, isDir: false })),
    // A file moved and changed is modified where it is now.
    ...diff.files_modified.map((path) => ({ kind: 'modified' as const, path: movedFiles.get(path) ?? path, isDir: false })),
  ];
}
