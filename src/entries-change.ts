import type { Dirent } from 'node:fs';
import type { DirEntries } from './dir-entries.js';

/** What a directory's entries lost and gained since they were last seen; `entries` is brought in line. */
export interface EntriesChange {
  /** name, was a directory: gone, or now of the other kind. */
  gone: Array<[string, boolean]>;
  /** New, in the order the directory listed them. */
  added: Dirent[];
}

export function changeEntries(entries: DirEntries, dirents: readonly Dirent[]): EntriesChange {
  const gone: Array<[string, boolean]> = [];
  if (entries.size > 0) {
    const now = new Map(dirents.map((d) => [d.name, d.isDirectory()]));
    for (const [name, isDir] of entries) if (now.get(name) !== isDir) gone.push([name, isDir]);
    for (const [name] of gone) entries.delete(name);
  }
  // Recorded in one go per kind (see DirEntries.add), before any is reported or descended into.
  const fresh = entries.size === 0;
  const added: Dirent[] = [];
  const files: string[] = [];
  const dirs: string[] = [];
  for (const dirent of dirents) {
    if (!fresh && entries.has(dirent.name)) continue;
    added.push(dirent);
    (dirent.isDirectory() ? dirs : files).push(dirent.name);
  }
  entries.add(files, false);
  entries.add(dirs, true);
  return { gone, added };
}
