import {
  accessSync,
  chmodSync,
  closeSync,
  constants,
  copyFileSync,
  linkSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  symlinkSync,
  unlinkSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fsPath, TswatchError } from '../../src/index.js';
import { namesIn, readLink } from './exact-names.js';
import { shellQuote } from './shell-quote.js';

const errno = (err: unknown): string | undefined => (err as NodeJS.ErrnoException).code;

export function exists(path: string): boolean {
  try {
    lstatSync(fsPath(path));
    return true;
  } catch {
    return false;
  }
}

/** True while `path` is still the entry `st` was taken of (same device and inode). */
export function stillThere(path: string, st: Stats): boolean {
  try {
    const now = lstatSync(fsPath(path));
    return now.dev === st.dev && now.ino === st.ino;
  } catch {
    return false;
  }
}

/**
 * Throw what unlink/rmdir would (EACCES, EPERM) if `path` cannot be removed from its directory: checked
 * before a copy, which is only worth making if the original can then go. The kernel's rule: the parent
 * writable and searchable, and if it is sticky, the file or the parent ours (or we are root).
 */
export function checkRemovable(path: string): void {
  const parent = dirname(path);
  accessSync(fsPath(parent), constants.W_OK | constants.X_OK);
  const uid = process.geteuid?.() ?? 0;
  const dir = statSync(fsPath(parent));
  if (uid !== 0 && (dir.mode & 0o1000) !== 0 && dir.uid !== uid && lstatSync(fsPath(path)).uid !== uid) {
    throw Object.assign(new Error(`EPERM: operation not permitted, unlink '${path}'`), { code: 'EPERM', path });
  }
}

function existsError(dst: string): TswatchError {
  return new TswatchError(`'${dst}' already exists`, { code: 'EEXIST', path: dst, hint: 'nothing was moved' });
}

/**
 * Move `src` to `dst`, which must not exist: by rename (or link + unlink for a non-directory, so an
 * existing `dst` is never replaced even in a race). Only across filesystems is the tree copied, and then
 * the copy is compared with the original before the original is removed.
 */
export function moveNoReplace(src: string, dst: string): void {
  if (exists(dst)) throw existsError(dst);
  if (!lstatSync(fsPath(src)).isDirectory()) {
    try {
      linkSync(fsPath(src), fsPath(dst));
    } catch (err) {
      if (errno(err) === 'EEXIST') throw existsError(dst);
      if (errno(err) === 'EXDEV') {
        copyThenRemove(src, dst);
        return;
      }
      // EPERM (protected_hardlinks, a filesystem without links): rename below
      renameOrCopy(src, dst);
      return;
    }
    try {
      unlinkSync(fsPath(src));
    } catch (err) {
      // The parent is not ours to change (not writable, or sticky and not our file): the source stays, so
      // the link must go too. A rename onto that link would "succeed" as a no-op (same inode).
      unlinkSync(fsPath(dst));
      throw err;
    }
    return;
  }
  renameOrCopy(src, dst);
}

function renameOrCopy(src: string, dst: string): void {
  try {
    renameSync(fsPath(src), fsPath(dst));
  } catch (err) {
    if (errno(err) !== 'EXDEV') throw err;
    copyThenRemove(src, dst);
  }
}

function copyThenRemove(src: string, dst: string): void {
  checkRemovable(src);
  copyVerified(src, dst);
  rmSync(fsPath(src), { recursive: true, force: true });
}

/** Copy to a temporary name beside `dst`, compare, rename into place. `src` is left for the caller. */
export function copyVerified(src: string, dst: string): void {
  const tmp = join(dirname(dst), `.${basename(dst).slice(0, 100)}.tswatch-copy-${process.pid}`);
  try {
    copyTree(src, tmp);
    const difference = firstDifference(src, tmp);
    if (difference !== undefined) {
      throw new TswatchError(`the copy of ${shellQuote(src)} differs from the original at ${shellQuote(difference)}`, {
        code: 'EIO',
        path: src,
        hint: 'the original was kept; check the target filesystem (full, or changing under us)',
      });
    }
    if (exists(dst)) throw existsError(dst);
    renameSync(fsPath(tmp), fsPath(dst));
  } catch (err) {
    rmSync(fsPath(tmp), { recursive: true, force: true });
    throw err;
  }
}

/**
 * `cp -a` of one tree (files, directories, symlinks; modes and times kept; `dst` must not exist), with
 * names that are not UTF-8 kept: cpSync takes string paths only. A fifo, socket or device is refused, as
 * cpSync refuses it.
 */
function copyTree(src: string, dst: string): void {
  const st = lstatSync(fsPath(src));
  if (st.isDirectory()) {
    mkdirSync(fsPath(dst), { mode: 0o700 });
    for (const name of namesIn(src)) copyTree(join(src, name), join(dst, name));
    chmodSync(fsPath(dst), st.mode & 0o7777);
  } else if (st.isSymbolicLink()) {
    symlinkSync(fsPath(readLink(src)), fsPath(dst));
  } else if (st.isFile()) {
    copyFileSync(fsPath(src), fsPath(dst), constants.COPYFILE_EXCL); // the mode comes with it
  } else {
    throw Object.assign(new Error(`cannot copy ${shellQuote(src)} to another filesystem: not a file, directory or symlink`), {
      code: 'EINVAL',
      path: src,
    });
  }
  lutimesSync(fsPath(dst), st.atime, st.mtime);
}

/** The first path below `a` whose type, size, bytes or link target differ in `b`; undefined if none. */
function firstDifference(a: string, b: string): string | undefined {
  const sa = lstatSync(fsPath(a));
  let sb: Stats;
  try {
    sb = lstatSync(fsPath(b));
  } catch {
    return a;
  }
  if ((sa.mode & 0o170000) !== (sb.mode & 0o170000)) return a;
  if (sa.isSymbolicLink()) return readLink(a) === readLink(b) ? undefined : a;
  if (sa.isFile()) return sa.size === sb.size && sameBytes(a, b) ? undefined : a;
  if (sa.isDirectory()) {
    const names = namesIn(a);
    if (names.length !== namesIn(b).length) return a;
    for (const name of names) {
      const d = firstDifference(join(a, name), join(b, name));
      if (d !== undefined) return d;
    }
  }
  return undefined;
}

function sameBytes(a: string, b: string): boolean {
  const fa = openSync(fsPath(a), 'r');
  const fb = openSync(fsPath(b), 'r');
  try {
    const ba = Buffer.alloc(1 << 20);
    const bb = Buffer.alloc(1 << 20);
    for (;;) {
      const na = readSync(fa, ba);
      const nb = readSync(fb, bb);
      if (na !== nb || !ba.subarray(0, na).equals(bb.subarray(0, nb))) return false;
      if (na === 0) return true;
    }
  } finally {
    closeSync(fa);
    closeSync(fb);
  }
}
