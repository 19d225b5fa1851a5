import { randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { type FileHandle, lchown, lutimes, open, rename, symlink, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';

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

function tempPathFor(path: string): string {
  return join(dirname(path), TEMP_PREFIX + randomBytes(6).toString('hex'));
}

/** Errors that mean the source went away (or was swapped for a symlink) under us: skip quietly. */
const VANISHED = new Set(['ENOENT', 'ENOTDIR', 'ELOOP', 'ESTALE']);

export function vanished(err: unknown): boolean {
  return VANISHED.has((err as NodeJS.ErrnoException).code ?? '');
}

const IS_ROOT = process.getuid?.() === 0;

/** Called with the target right before the temp file replaces it (keeps the old copy as a version). */
export type BeforeReplace = (target: string) => Promise<unknown>;

export interface CopyOptions {
  beforeReplace?: BeforeReplace;
  /** Bytes copied so far, chunk by chunk (progress). */
  onBytes?: (bytes: number) => void;
}

const CHUNK = 1 << 20;

/**
 * Copy the regular file `from` to `to` atomically, with its mode, times (and owner, as root).
 * Resolves to the bytes copied, or undefined when `from` vanished or is not a regular file any more.
 * The source is opened without following symlinks, so a file swapped for a link is never followed out.
 */
export async function copyFileAtomic(from: string, to: string, options: CopyOptions = {}): Promise<number | undefined> {
  let input: FileHandle;
  try {
    input = await open(from, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    if (vanished(err)) return undefined;
    throw err;
  }
  const tmp = tempPathFor(to);
  let output: FileHandle | undefined;
  let placed = false;
  try {
    // Times are taken before reading: if the file changes during the copy, DEST gets the older mtime
    // and the next comparison sees it is stale.
    const st = await input.stat();
    if (!st.isFile()) return undefined;
    output = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    const buffer = Buffer.allocUnsafe(CHUNK);
    let bytes = 0;
    for (;;) {
      const { bytesRead } = await input.read(buffer, 0, CHUNK, null);
      if (bytesRead === 0) break;
      for (let off = 0; off < bytesRead; ) off += (await output.write(buffer, off, bytesRead - off)).bytesWritten;
      bytes += bytesRead;
      options.onBytes?.(bytesRead);
    }
    if (IS_ROOT) await output.chown(st.uid, st.gid); // before chmod: chown clears set-id bits
    await output.chmod(st.mode & 0o7777);
    await output.utimes(st.atimeMs / 1000, st.mtimeMs / 1000);
    await output.close();
    output = undefined;
    await options.beforeReplace?.(to);
    await rename(tmp, to);
    placed = true;
    return bytes;
  } finally {
    await input.close();
    if (!placed) {
      await output?.close().catch(() => {});
      await unlink(tmp).catch(() => {});
    }
  }
}

/** Make `to` a symlink with `target` (the link itself is copied, never what it points to), atomically. */
export async function copySymlinkAtomic(target: string, st: Stats, to: string, beforeReplace?: BeforeReplace): Promise<void> {
  const tmp = tempPathFor(to);
  await symlink(target, tmp);
  try {
    if (IS_ROOT) await lchown(tmp, st.uid, st.gid);
    await lutimes(tmp, st.atimeMs / 1000, st.mtimeMs / 1000);
    await beforeReplace?.(to);
    await rename(tmp, to);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
}
