import { accessSync, closeSync, constants, cpSync, linkSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, renameSync, rmSync, type Stats, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { TswatchError } from '../../src/index.js';

const errno = (err: unknown): string | undefined => (err as NodeJS.ErrnoException).code;

export function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** True while `path` is still the entry `st` was taken of (same device and inode). */
export function stillThere(path: string, st: Stats): boolean {
  try {
    const now = lstatSync(path);
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
  accessSync(parent, constants.W_OK | constants.X_OK);
  const uid = process.geteuid?.() ?? 0;
  const dir = statSync(parent);
  if (uid !== 0 && (dir.mode & 0o1000) !== 0 && dir.uid !== uid && lstatSync(path).uid !== uid) {
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
  if (!lstatSync(src).isDirectory()) {
    try {
      linkSync(src, dst);
    } catch (err) {
      if (errno(err) === 'EEXIST') throw existsError(dst);
      if (errno(err) === 'EXDEV') return copyThenRemove(src, dst);
      // EPERM (protected_hardlinks, a filesystem without links): rename below
      return renameOrCopy(src, dst);
    }
    try {
      unlinkSync(src);
    } catch (err) {
      // The parent is not ours to change (not writable, or sticky and not our file): the source stays, so
      // the link must go too. A rename onto that link would "succeed" as a no-op (same inode).
      unlinkSync(dst);
      throw err;
    }
    return;
  }
  renameOrCopy(src, dst);
}

function renameOrCopy(src: string, dst: string): void {
  try {
    renameSync(src, dst);
  } catch (err) {
    if (errno(err) !== 'EXDEV') throw err;
    copyThenRemove(src, dst);
  }
}

function copyThenRemove(src: string, dst: string): void {
  checkRemovable(src);
  copyVerified(src, dst);
  rmSync(src, { recursive: true, force: true });
}

/** Copy to a temporary name beside `dst`, compare, rename into place. `src` is left for the caller. */
export function copyVerified(src: string, dst: string): void {
  const tmp = join(dirname(dst), `.${basename(dst).slice(0, 100)}.tswatch-copy-${process.pid}`);
  try {
    cpSync(src, tmp, { recursive: true, errorOnExist: true, force: false, preserveTimestamps: true, verbatimSymlinks: true });
    const difference = firstDifference(src, tmp);
    if (difference !== undefined) {
      throw new TswatchError(`the copy of '${src}' differs from the original at '${difference}'`, {
        code: 'EIO',
        path: src,
        hint: 'the original was kept; check the target filesystem (full, or changing under us)',
      });
    }
    if (exists(dst)) throw existsError(dst);
    renameSync(tmp, dst);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** The first path below `a` whose type, size, bytes or link target differ in `b`; undefined if none. */
function firstDifference(a: string, b: string): string | undefined {
  const sa = lstatSync(a);
  let sb;
  try {
    sb = lstatSync(b);
  } catch {
    return a;
  }
  if ((sa.mode & 0o170000) !== (sb.mode & 0o170000)) return a;
  if (sa.isSymbolicLink()) return readlinkSync(a) === readlinkSync(b) ? undefined : a;
  if (sa.isFile()) return sa.size === sb.size && sameBytes(a, b) ? undefined : a;
  if (sa.isDirectory()) {
    const names = readdirSync(a);
    if (names.length !== readdirSync(b).length) return a;
    for (const name of names) {
      const d = firstDifference(join(a, name), join(b, name));
      if (d !== undefined) return d;
    }
  }
  return undefined;
}

function sameBytes(a: string, b: string): boolean {
  const fa = openSync(a, 'r');
  const fb = openSync(b, 'r');
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
