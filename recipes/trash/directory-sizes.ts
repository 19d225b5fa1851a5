import { lstatSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fsDecode, fsPath } from '../../src/index.js';
import { namesIn } from './exact-names.js';
import { decodeTrashPath, encodeTrashPath } from './trash-info.js';
import { filePath, infoPath } from './trash-layout.js';

/**
 * Disk space used by `path` and everything below it, in bytes, counted as `du -B1` does (allocated
 * blocks, hard links once, symlinks not followed): the size the spec's `directorysizes` records.
 */
export function diskUsage(path: string, seen = new Set<string>()): number {
  const st = lstatSync(fsPath(path));
  const key = `${st.dev}:${st.ino}`;
  if (st.nlink > 1 && !st.isDirectory()) {
    if (seen.has(key)) return 0;
    seen.add(key);
  }
  let total = st.blocks * 512;
  if (st.isDirectory()) {
    for (const name of namesIn(path)) {
      try {
        total += diskUsage(join(path, name), seen);
      } catch {
        // gone while we counted: it no longer uses space
      }
    }
  }
  return total;
}

export interface DirectorySize {
  size: number;
  /** mtime of the matching .trashinfo, whole seconds: the entry is valid while they agree. */
  mtime: number;
}

/**
 * The cache file `$trash/directorysizes` of spec 1.0: one line `SIZE MTIME PERCENT-ENCODED-NAME` per
 * trashed directory. It is only a cache: a reader recomputes what is missing or stale.
 */
export class DirectorySizes {
  private readonly file: string;

  constructor(private readonly trashDir: string) {
    this.file = join(trashDir, 'directorysizes');
  }

  read(): Map<string, DirectorySize> {
    const entries = new Map<string, DirectorySize>();
    let text = '';
    try {
      text = fsDecode(readFileSync(fsPath(this.file)));
    } catch {
      return entries;
    }
    for (const line of text.split('\n')) {
      const m = /^(\d+) (\d+) (.+)$/.exec(line);
      if (m) entries.set(decodeTrashPath(m[3]!), { size: Number(m[1]), mtime: Number(m[2]) });
    }
    return entries;
  }

  /** The size of trashed directory `name` from the cache if it is current, else computed (and `fresh` says so). */
  sizeOf(name: string, cache: Map<string, DirectorySize>): { size: number; fresh: boolean } {
    const mtime = this.infoMtime(name);
    const cached = cache.get(name);
    if (cached && mtime !== undefined && cached.mtime === mtime) return { size: cached.size, fresh: false };
    const size = diskUsage(filePath(this.trashDir, name));
    if (mtime !== undefined) cache.set(name, { size, mtime });
    return { size, fresh: true };
  }

  /**
   * Apply `change` to the entries and write the file atomically (temp file + rename, as the spec asks),
   * dropping entries whose trashinfo is gone. Concurrent writers may drop each other's entry: readers
   * recompute it, so nothing but time is lost.
   */
  update(change: (entries: Map<string, DirectorySize>) => void): void {
    const entries = this.read();
    change(entries);
    for (const name of entries.keys()) if (this.infoMtime(name) === undefined) entries.delete(name);
    const text = [...entries].map(([name, e]) => `${e.size} ${e.mtime} ${encodeTrashPath(name)}\n`).join('');
    const tmp = join(this.trashDir, `directorysizes.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
    try {
      writeFileSync(fsPath(tmp), text, { mode: 0o600 });
      renameSync(fsPath(tmp), fsPath(this.file));
    } catch {
      // a read-only or full trash keeps its old cache; it is only a cache
      try {
        unlinkSync(fsPath(tmp));
      } catch {
        // never written
      }
    }
  }

  /** Record a directory just trashed as `name`. */
  add(name: string): void {
    const mtime = this.infoMtime(name);
    if (mtime === undefined) return;
    const size = diskUsage(filePath(this.trashDir, name));
    this.update((entries) => entries.set(name, { size, mtime }));
  }

  private infoMtime(name: string): number | undefined {
    try {
      return Math.floor(statSync(fsPath(infoPath(this.trashDir, name))).mtimeMs / 1000);
    } catch {
      return undefined;
    }
  }
}
