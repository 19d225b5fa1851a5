import { chmodSync, chownSync, closeSync, constants, copyFileSync, fstatSync, openSync, renameSync, type Stats, utimesSync } from 'node:fs';
import { copyFile, lchown, lutimes, rename, stat, symlink, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { IS_ROOT } from './is-root.js';

/**
 * Every write into DEST goes to a temp name in the target's own directory and is renamed into place, so
 * DEST never holds a partial file. The name is fixed-length (a long target name cannot overflow
 * NAME_MAX) and recognizable, so a start after `kill -9` can clean up what a dead copy left.
 */
const TEMP_PREFIX = '.tswatch-tmp-';
const TEMP_NAME = /^\.tswatch-tmp-[0-9a-f]{12}$/;

export function isTempName(name: string): boolean {
  return TEMP_NAME.test(name);
}

/**
 * Random per process (V8 seeds Math.random from the system's random source), then a counter: unique
 * without a trip to the random source per copy, and without loading node:crypto for it.
 */
const TEMP_STEM = Math.floor(Math.random() * 0x1000000)
  .toString(16)
  .padStart(6, '0');
let tempCount = 0;

function tempPathFor(path: string): string {
  tempCount = (tempCount + 1) & 0xffffff;
  return `${dirname(path)}/${TEMP_PREFIX}${TEMP_STEM}${tempCount.toString(16).padStart(6, '0')}`;
}

/** Errors that mean the source went away (or was swapped for a symlink) under us: skip quietly. */
const VANISHED = new Set(['ENOENT', 'ENOTDIR', 'ELOOP', 'ESTALE']);

export function vanished(err: unknown): boolean {
  return VANISHED.has((err as NodeJS.ErrnoException).code ?? '');
}

/** Called with the target and the temp file right before the temp file replaces it (keeps the old copy as a version). */
export type BeforeReplace = (target: string, replacement: string) => Promise<unknown>;

export interface CopyOptions {
  beforeReplace?: BeforeReplace;
  /** Bytes copied so far, chunk by chunk (progress). */
  onBytes?: (bytes: number) => void;
  /** The inode `from` must still be (as a walk saw it), else nothing is copied. */
  expect?: { dev: number; ino: number };
}

/** Big copies report their progress by the temp file's size, this often. */
const PROGRESS_MS = 250;
const PROGRESS_ABOVE = 8 << 20;

/**
 * Files up to this size are copied with synchronous calls: from the page cache each takes microseconds,
 * less than the thread pool's two hand-offs per call (with 10,000 small files, those hand-offs were
 * most of the time). The event loop is held for one small file at a time, never longer.
 */
const SYNC_BYTES = 1 << 20;

/**
 * Copy the regular file `from` to `to` atomically, with its mode, times (and owner, as root).
 * Resolves to the bytes copied, or undefined when `from` vanished or is not a regular file any more
 * (or, with `expect`, is not that inode any more: SRC changed since it was looked at).
 * The source is opened without following symlinks, so a file swapped for a link is never followed out;
 * the data is then copied from that open file (its /proc/self/fd link) by fs.copyFile, in the kernel:
 * a reflink where the filesystem can (COPYFILE_FICLONE), else copy_file_range(2), never through JS.
 */
export async function copyFileAtomic(from: string, to: string, options: CopyOptions = {}): Promise<number | undefined> {
  let fd: number;
  try {
    fd = openSync(from, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    if (vanished(err)) return undefined;
    throw err;
  }
  const tmp = tempPathFor(to);
  let created = false;
  let placed = false;
  try {
    // Times are taken before reading: if the file changes during the copy, DEST gets the older mtime
    // and the next comparison sees it is stale.
    const st = fstatSync(fd);
    if (!st.isFile()) return undefined;
    if (options.expect && (st.ino !== options.expect.ino || st.dev !== options.expect.dev)) return undefined;
    created = true;
    const source = `/proc/self/fd/${fd}`;
    const flags = constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE;
    if (st.size <= SYNC_BYTES) {
      copyFileSync(source, tmp, flags);
      options.onBytes?.(st.size);
    } else {
      await withProgress(tmp, st.size, options.onBytes, () => copyFile(source, tmp, flags));
    }
    // Metadata calls, synchronous whatever the size (no data moves). copyFile gave tmp the source's
    // mode; chown clears set-id bits, so chmod comes after it.
    if (IS_ROOT) {
      chownSync(tmp, st.uid, st.gid);
      if (st.mode & 0o6000) chmodSync(tmp, st.mode & 0o7777);
    }
    utimesSync(tmp, st.atimeMs / 1000, st.mtimeMs / 1000);
    await options.beforeReplace?.(to, tmp);
    renameSync(tmp, to);
    placed = true;
    return st.size;
  } finally {
    closeSync(fd);
    if (created && !placed) await unlink(tmp).catch(() => {});
  }
}

/** Run `copy`, reporting the bytes it wrote: at the end, and meanwhile by tmp's size for a big file. */
async function withProgress(
  tmp: string,
  size: number,
  onBytes: ((bytes: number) => void) | undefined,
  copy: () => Promise<void>,
): Promise<void> {
  let told = 0;
  const tell = (bytes: number): void => {
    if (bytes > told) onBytes?.(bytes - told);
    told = Math.max(told, bytes);
  };
  const timer =
    onBytes && size > PROGRESS_ABOVE
      ? setInterval(
          () =>
            void stat(tmp).then(
              (s) => tell(Math.min(s.size, size)),
              () => {},
            ),
          PROGRESS_MS,
        )
      : undefined;
  try {
    await copy();
    tell(size);
  } finally {
    clearInterval(timer);
  }
}

/** Make `to` a symlink with `target` (the link itself is copied, never what it points to), atomically. */
export async function copySymlinkAtomic(target: string, st: Stats, to: string, beforeReplace?: BeforeReplace): Promise<void> {
  const tmp = tempPathFor(to);
  await symlink(target, tmp);
  try {
    if (IS_ROOT) await lchown(tmp, st.uid, st.gid);
    await lutimes(tmp, st.atimeMs / 1000, st.mtimeMs / 1000);
    await beforeReplace?.(to, tmp);
    await rename(tmp, to);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
}
