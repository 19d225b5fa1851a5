import { lstatSync, readFileSync, type Stats } from 'node:fs';
import { resolve } from 'node:path';
import { fsPath } from '../../src/index.js';
import { DirectorySizes } from './directory-sizes.js';
import type { TrashDir } from './trash-dirs.js';
import { parseDeletionDate, parseTrashInfo } from './trash-info.js';
import { filePath, infoPath } from './trash-layout.js';
import type { TrashedItem } from './trashed-item.js';

/**
 * The item NAME in `dir`, or undefined when its trashinfo or its file is missing or unreadable. A
 * directory's size comes from `dirSize` (a list passes one cache for all), else from the directorysizes file.
 */
export function readTrashedItem(dir: TrashDir, name: string, dirSize?: (name: string) => number): TrashedItem | undefined {
  let info: ReturnType<typeof parseTrashInfo>;
  let st: Stats;
  try {
    info = parseTrashInfo(readFileSync(fsPath(infoPath(dir.path, name))));
    st = lstatSync(fsPath(filePath(dir.path, name)));
  } catch {
    return undefined; // half-written by a concurrent put, or its file already gone
  }
  if (!info) return undefined;
  const isDirectory = st.isDirectory();
  const cached = (n: string): number => {
    const sizes = new DirectorySizes(dir.path);
    return sizes.sizeOf(n, sizes.read()).size;
  };
  const size = isDirectory ? (dirSize ?? cached)(name) : st.size;
  return {
    path: resolve(dir.topDir ?? '/', info.path),
    deletionDate: parseDeletionDate(info.deletionDate),
    size,
    isDirectory,
    trashDir: dir.path,
    name,
  };
}
