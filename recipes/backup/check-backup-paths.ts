import { constants } from 'node:fs';
import { access, lstat, mkdir, realpath } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
import { TswatchError } from '../../src/index.js';
import { denied, runningAs } from '../permission-denied.js';

/** The real path `path` will have: its nearest existing ancestor resolved, the missing rest appended. */
async function realpathToBe(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : join(await realpathToBe(parent), basename(path));
  }
}

/**
 * SRC is a directory, DEST is or can be one tswatch may write to, and neither holds the other: each
 * checked before the backup starts, so a wrong argument is one clear error rather than a failed copy
 * per file.
 */
export async function checkBackupPaths(src: string, dest: string, dryRun: boolean): Promise<void> {
  const st = await lstat(src).catch((err: NodeJS.ErrnoException) => {
    throw new TswatchError(`backup source '${src}': ${err.code === 'ENOENT' ? 'no such directory' : err.message}`, {
      code: err.code ?? 'EINVAL',
      path: src,
      hint: 'SRC must be an existing directory',
    });
  });
  if (!st.isDirectory()) {
    throw new TswatchError(`backup source '${src}' is not a directory`, { code: 'ENOTDIR', path: src, hint: 'SRC must be a directory' });
  }
  // Overlap is checked on what DEST will be, before anything is created (a DEST inside SRC never appears).
  const [realSrc, realDest] = await Promise.all([realpath(src), realpathToBe(dest)]);
  const inside = (a: string, b: string): boolean => a === b || a.startsWith(b.endsWith(sep) ? b : b + sep);
  if (inside(realDest, realSrc) || inside(realSrc, realDest)) {
    throw new TswatchError(`backup destination '${dest}' and source '${src}' overlap`, {
      code: 'EINVAL',
      path: dest,
      hint: 'DEST must be outside SRC and SRC outside DEST, or the backup would copy itself',
    });
  }
  if (dryRun) return;
  await mkdir(dest, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
    const notDir = err.code === 'EEXIST' || err.code === 'ENOTDIR';
    throw new TswatchError(
      `backup destination '${dest}' ${notDir ? 'is not a directory' : `cannot be created (${err.code === 'EACCES' ? 'permission denied' : err.message})`}`,
      {
        code: err.code ?? 'EINVAL',
        path: dest,
        hint: notDir
          ? 'DEST must be a directory (or not exist yet)'
          : 'give DEST a place the user running tswatch may write to, or create it first with the right owner',
      },
    );
  });
  // An existing DEST the user may not write to would fail every copy, and then the manifest: say it once, first.
  await access(dest, constants.W_OK | constants.X_OK).catch((err: NodeJS.ErrnoException) => {
    throw new TswatchError(
      `backup destination '${dest}' is not writable (${denied(err) ? 'permission denied' : err.code === 'EROFS' ? 'a read-only filesystem' : err.message})`,
      {
        code: err.code ?? 'EACCES',
        path: dest,
        hint: `${runningAs()} needs write and search permission on DEST; give it that (chmod u+wx), or give another DEST`,
      },
    );
  });
}
