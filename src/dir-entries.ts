/** Past this many entries a directory's names go into two Sets: lookups stay O(1) in big directories. */
const PACKED_MAX = 64;

/** A big directory's names: files and directories apart, as the packed strings are. */
interface NameSets {
  files: Set<string>;
  dirs: Set<string>;
}

/**
 * A watched directory's entries, name → is a directory, with a Map's methods. Most directories hold a
 * few names and are never looked at again, yet a recursive watch keeps one of these per directory: so
 * while small, the names are packed into two strings ('/' ends each name; no name holds a '/'), some
 * 50 bytes for ten names where a Map of ten strings takes some 700. A big one is two Sets (a Set's
 * entry is a key where a Map's is a key and a value), and a new name takes one insertion, not a
 * lookup and then an insertion: a burst of creates in one directory does that per event.
 */
export class DirEntries {
  private files = '/';
  private dirs = '/';
  private count = 0;
  private sets: NameSets | undefined;

  get size(): number {
    return this.sets === undefined ? this.count : this.sets.files.size + this.sets.dirs.size;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  get(name: string): boolean | undefined {
    const sets = this.sets;
    if (sets !== undefined) return sets.files.has(name) ? false : sets.dirs.has(name) ? true : undefined;
    const key = `/${name}/`;
    return this.files.includes(key) ? false : this.dirs.includes(key) ? true : undefined;
  }

  set(name: string, isDir: boolean): this {
    const sets = this.sets;
    if (sets !== undefined) {
      (isDir ? sets.files : sets.dirs).delete(name);
      (isDir ? sets.dirs : sets.files).add(name);
      return this;
    }
    const was = this.get(name);
    if (was === isDir) return this;
    if (was !== undefined) this.delete(name);
    this.add([name], isDir);
    return this;
  }

  /** Add `name` unless it is held already (as either kind): false when it was. One lookup, for an IN_CREATE. */
  addNew(name: string, isDir: boolean): boolean {
    const sets = this.sets;
    if (sets !== undefined) {
      const own = isDir ? sets.dirs : sets.files;
      const before = own.size;
      own.add(name);
      if (own.size === before) return false;
      // Held as the other kind (the other Set is the small one, as a rule): undo the insertion.
      if (!(isDir ? sets.files : sets.dirs).has(name)) return true;
      own.delete(name);
      return false;
    }
    const key = `/${name}/`;
    if (this.files.includes(key) || this.dirs.includes(key)) return false;
    this.add([name], isDir);
    return true;
  }

  /** Add names not held yet, all files or all directories, in one go (a directory's first scan). */
  add(names: readonly string[], isDir: boolean): void {
    if (names.length === 0) return;
    if (this.sets === undefined && this.count + names.length > PACKED_MAX) {
      this.sets = this.unpacked();
      this.files = this.dirs = '/';
      this.count = 0;
    }
    if (this.sets !== undefined) {
      const own = isDir ? this.sets.dirs : this.sets.files;
      for (const name of names) own.add(name);
      return;
    }
    // One join makes one flat string: appending name by name would leave a chain of ropes behind.
    const joined = [(isDir ? this.dirs : this.files).slice(0, -1), ...names, ''].join('/');
    if (isDir) this.dirs = joined;
    else this.files = joined;
    this.count += names.length;
  }

  delete(name: string): boolean {
    if (this.sets !== undefined) return this.sets.files.delete(name) || this.sets.dirs.delete(name);
    const key = `/${name}/`;
    for (const isDir of [false, true]) {
      const packed = isDir ? this.dirs : this.files;
      const at = packed.indexOf(key);
      if (at < 0) continue;
      const rest = packed.slice(0, at + 1) + packed.slice(at + key.length);
      if (isDir) this.dirs = rest;
      else this.files = rest;
      this.count--;
      return true;
    }
    return false;
  }

  clear(): void {
    this.files = this.dirs = '/';
    this.count = 0;
    this.sets = undefined;
  }

  *[Symbol.iterator](): IterableIterator<[string, boolean]> {
    if (this.sets !== undefined) {
      for (const name of this.sets.files) yield [name, false];
      for (const name of this.sets.dirs) yield [name, true];
      return;
    }
    for (const isDir of [false, true]) {
      const packed = isDir ? this.dirs : this.files;
      for (let at = 1; at < packed.length; ) {
        const end = packed.indexOf('/', at);
        yield [packed.slice(at, end), isDir];
        at = end + 1;
      }
    }
  }

  entries(): IterableIterator<[string, boolean]> {
    return this[Symbol.iterator]();
  }

  /** The packed names as two Sets. */
  private unpacked(): NameSets {
    const sets: NameSets = { files: new Set(), dirs: new Set() };
    for (const [name, isDir] of this) (isDir ? sets.dirs : sets.files).add(name);
    return sets;
  }

  keys(): IterableIterator<string> {
    return (function* (entries: DirEntries) {
      for (const [name] of entries) yield name;
    })(this);
  }
}
