import { type Dirent, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Gone between the listing of its parent and its own: nothing to look at, nothing to say. */
const VANISHED = new Set(['ENOENT', 'ENOTDIR']);

/**
 * The regular files in `dir` (and below it, with `recursive`), listed one directory at a time: a
 * directory that cannot be read goes to `onUnreadable` and the walk goes on with the others. Symbolic
 * links are not followed, as the watch does not follow them.
 */
export function filesUnder(dir: string, recursive: boolean, onUnreadable: (path: string, err: NodeJS.ErrnoException) => void): string[] {
  const files: string[] = [];
  const dirs = [dir];
  for (let i = 0; i < dirs.length; i++) {
    const at = dirs[i]!;
    let entries: Dirent[];
    try {
      entries = readdirSync(at, { withFileTypes: true });
    } catch (err) {
      if (!VANISHED.has((err as NodeJS.ErrnoException).code ?? '')) onUnreadable(at, err as NodeJS.ErrnoException);
      continue;
    }
    for (const entry of entries) {
      if (entry.isFile()) files.push(join(at, entry.name));
      else if (recursive && entry.isDirectory()) dirs.push(join(at, entry.name));
    }
  }
  return files;
}
