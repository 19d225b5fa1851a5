import { join } from 'node:path';
import { namesIn } from './exact-names.js';
import { TRASHINFO_SUFFIX } from './trash-info.js';

/** A trash directory's two halves (spec 1.0): `files/NAME` holds the item, `info/NAME.trashinfo` says what it was. */
export const infoPath = (trashDir: string, name: string): string => join(trashDir, 'info', name + TRASHINFO_SUFFIX);
export const filePath = (trashDir: string, name: string): string => join(trashDir, 'files', name);

/** The NAMEs that have a trashinfo (a missing or unreadable info/ holds none). */
export function infoNames(trashDir: string): string[] {
  return namesOrNone(join(trashDir, 'info'))
    .filter((f) => f.endsWith(TRASHINFO_SUFFIX))
    .map((f) => f.slice(0, -TRASHINFO_SUFFIX.length));
}

/** The NAMEs in files/ (a missing or unreadable files/ holds none). */
export function fileNames(trashDir: string): string[] {
  return namesOrNone(join(trashDir, 'files'));
}

function namesOrNone(dir: string): string[] {
  try {
    return namesIn(dir);
  } catch {
    return [];
  }
}
