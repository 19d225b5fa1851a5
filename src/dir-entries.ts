/** Past this many entries a directory's names go into a Map: lookups stay O(1) in big directories. */
const PACKED_MAX = 64;

/**
 * A watched directory's entries, name → is a directory, with a Map's methods. Most directories hold a
 * few names and are never looked at again, yet a recursive watch keeps one of these per directory: so
 * while small, the names are packed into two strings ('/' ends each name; no name holds a '/'), some
 * 50 bytes for ten names where a Map of ten strings takes some 700.
 */
export class DirEntries {
  private files = '/';
  private dirs = '/';
  private count = 0;
  private map: Map<string, boolean> | undefined;

  get size(): number {
    return this.map?.size ?? this.count;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  get(name: string): boolean | undefined {
    if (this.map !== undefined) return this.map.get(name);
    const key = `/${name}/`;
    return this.files.includes(key) ? false : this.dirs.includes(key) ? true : undefined;
  }

  set(name: string, isDir: boolean): this {
    if (this.map !== undefined) {
      this.map.set(name, isDir);
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
    if (this.map !== undefined) {
      if (this.map.has(name)) return false;
      this.map.set(name, isDir);
      return true;
    }
    const key = `/${name}/`;
    if (this.files.includes(key) || this.dirs.includes(key)) return false;
    this.add([name], isDir);
    return true;
  }

  /** Add names not held yet, all files or all directories, in one go (a directory's first scan). */
  add(names: readonly string[], isDir: boolean): void {
    if (names.length === 0) return;
    if (this.map === undefined && this.count + names.length > PACKED_MAX) this.map = new Map(this);
    if (this.map !== undefined) {
      for (const name of names) this.map.set(name, isDir);
      return;
    }
    // One join makes one flat string: appending name by name would leave a chain of ropes behind.
    const joined = [(isDir ? this.dirs : this.files).slice(0, -1), ...names, ''].join('/');
    if (isDir) this.dirs = joined;
    else this.files = joined;
    this.count += names.length;
  }

  delete(name: string): boolean {
    if (this.map !== undefined) return this.map.delete(name);
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
    this.map = undefined;
  }

  *[Symbol.iterator](): IterableIterator<[string, boolean]> {
    if (this.map !== undefined) {
      yield* this.map;
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

  keys(): IterableIterator<string> {
    return (function* (entries: DirEntries) {
      for (const [name] of entries) yield name;
    })(this);
  }
}
