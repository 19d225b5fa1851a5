import { closeSync, cpSync, linkSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, renameSync, rmSync, unlinkSync } from 'node:fs';
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
      unlinkSync(src);
      return;
    } catch (err) {
      if (errno(err) === 'EEXIST') throw existsError(dst);
      if (errno(err) === 'EXDEV') return copyThenRemove(src, dst);
      // EPERM (protected_hardlinks, a filesystem without links): rename below
    }
  }
  try {
    renameSync(src, dst);
  } catch (err) {
    if (errno(err) !== 'EXDEV') throw err;
    copyThenRemove(src, dst);
  }
}

function copyThenRemove(src: string, dst: string): void {
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
