import type { Stats } from 'node:fs';
import { loadNativeAddon } from './backends/native-addon.js';

/** What a comparison of two entries reads of an lstat (a Stats has all of it). */
export interface EntryStat {
  readonly mode: number;
  readonly size: number;
  readonly mtimeMs: number;
  readonly uid: number;
  readonly gid: number;
  readonly dev: number;
  readonly ino: number;
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}

// One entry's numbers, in native/lstat-names.cc's order.
const MODE = 0;
const SIZE = 1;
const MTIME = 2;
const UID = 3;
const GID = 4;
const DEV = 5;
const INO = 6;
const ERRNO = 7;
const FIELDS = 8;
/** Not read by the addon (there is none): ask lstat for this one. */
const NOT_READ = -1;

const S_IFMT = 0o170000;

/** Entry `i` of a DirStats, read when asked: one view serves every entry in turn. */
class EntryView implements EntryStat {
  i = 0;
  constructor(private readonly owner: DirStats) {}
  get mode(): number {
    return this.owner.field(this.i, MODE);
  }
  get size(): number {
    return this.owner.field(this.i, SIZE);
  }
  get mtimeMs(): number {
    return this.owner.field(this.i, MTIME);
  }
  get uid(): number {
    return this.owner.field(this.i, UID);
  }
  get gid(): number {
    return this.owner.field(this.i, GID);
  }
  get dev(): number {
    return this.owner.field(this.i, DEV);
  }
  get ino(): number {
    return this.owner.field(this.i, INO);
  }
  isFile(): boolean {
    return (this.mode & S_IFMT) === 0o100000;
  }
  isDirectory(): boolean {
    return (this.mode & S_IFMT) === 0o040000;
  }
  isSymbolicLink(): boolean {
    return (this.mode & S_IFMT) === 0o120000;
  }
}

/** A copy of one entry's numbers that outlives the next read(). */
class EntrySnapshot implements EntryStat {
  readonly mode: number;
  readonly size: number;
  readonly mtimeMs: number;
  readonly uid: number;
  readonly gid: number;
  readonly dev: number;
  readonly ino: number;
  constructor(from: EntryStat) {
    this.mode = from.mode;
    this.size = from.size;
    this.mtimeMs = from.mtimeMs;
    this.uid = from.uid;
    this.gid = from.gid;
    this.dev = from.dev;
    this.ino = from.ino;
  }
  isFile(): boolean {
    return (this.mode & S_IFMT) === 0o100000;
  }
  isDirectory(): boolean {
    return (this.mode & S_IFMT) === 0o040000;
  }
  isSymbolicLink(): boolean {
    return (this.mode & S_IFMT) === 0o120000;
  }
}

/** A directory's entries as DirStats.list read them: entry i is names[i], its d_type types[i], its lstat stats.at(i). */
export interface DirListing {
  readonly names: string[];
  readonly types: Uint8Array;
  readonly stats: DirStats;
}

/**
 * The lstat of many names of one directory, read in one call to the addon and kept as packed numbers.
 * A walk comparing two trees of small files spends more on Node's Stats objects (four Dates each)
 * than on the syscalls. Where the addon is missing, nothing is read: every entry says `failed`, and
 * the caller lstats it as it would have anyway and puts the result in with `set`.
 */
export class DirStats {
  private data: Float64Array;
  private readonly lstatNames = DirStats.native();
  private readonly view = new EntryView(this);

  /** `data`: entries already read (a listing's), else room for a first read(). */
  constructor(data?: Float64Array) {
    this.data = data ?? new Float64Array(FIELDS * 128);
  }

  /**
   * The entries of `dir` in readdir's order, names as Node's readdirSync gives them, with their lstat
   * and d_type: both read in the addon on a thread of libuv's pool, so the caller can read another
   * directory meanwhile. Undefined without the addon, or when dir cannot be opened or read (the
   * caller's own readdir then says why, as Node says it).
   */
  static async list(dir: string): Promise<DirListing | undefined> {
    const loaded = loadNativeAddon();
    if (!('addon' in loaded) || typeof loaded.addon.listStats !== 'function') return undefined;
    const got = await loaded.addon.listStats(dir);
    if (typeof got === 'number') return undefined;
    return { names: got.names, types: got.types, stats: new DirStats(got.stats) };
  }

  private static native(): ((dir: string, names: readonly string[], out: Float64Array) => void) | undefined {
    const loaded = loadNativeAddon();
    return 'addon' in loaded && typeof loaded.addon.lstatNames === 'function' ? loaded.addon.lstatNames : undefined;
  }

  /** lstat dir/name for each of `names` (entry i is names[i]); what an earlier read held is gone. */
  read(dir: string, names: readonly string[]): void {
    if (this.data.length < names.length * FIELDS) this.data = new Float64Array(names.length * FIELDS * 2);
    if (this.lstatNames !== undefined) {
      this.lstatNames(dir, names, this.data);
      return;
    }
    for (let i = 0; i < names.length; i++) this.data[i * FIELDS + ERRNO] = NOT_READ;
  }

  /** True when entry i was not read (gone, not permitted, no addon): the caller lstats it itself. */
  failed(i: number): boolean {
    return this.data[i * FIELDS + ERRNO] !== 0;
  }

  /** Entry i holds what `st` says (the caller's own lstat of an entry that failed). */
  set(i: number, st: Stats): void {
    const d = this.data;
    const at = i * FIELDS;
    d[at + MODE] = st.mode;
    d[at + SIZE] = st.size;
    d[at + MTIME] = st.mtimeMs;
    d[at + UID] = st.uid;
    d[at + GID] = st.gid;
    d[at + DEV] = st.dev;
    d[at + INO] = st.ino;
    d[at + ERRNO] = 0;
  }

  /** Entry i, valid until the next `at` or `read` (no object per entry); `snapshot` keeps one. */
  at(i: number): EntryStat {
    this.view.i = i;
    return this.view;
  }

  snapshot(i: number): EntryStat {
    return new EntrySnapshot(this.at(i));
  }

  /** @internal */
  field(i: number, k: number): number {
    return this.data[i * FIELDS + k]!;
  }
}
