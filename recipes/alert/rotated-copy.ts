import { type FileHandle, open, readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Bytes kept of each sibling's start, to tell a rewritten file from one that only grew. */
const HEAD = 64;

/** gzip, compress, bzip2, xz, zstd, lz4, lzip: a compressed old log is not a copy to read lines from. */
const COMPRESSED = [
  [0x1f, 0x8b],
  [0x1f, 0x9d],
  [0x42, 0x5a, 0x68],
  [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00],
  [0x28, 0xb5, 0x2f, 0xfd],
  [0x04, 0x22, 0x4d, 0x18],
  [0x4c, 0x5a, 0x49, 0x50],
];

interface Seen {
  size: number;
  mtimeMs: number;
  head: Buffer;
}

/** An open sibling of the log; the caller reads it and closes it. */
export interface Copy {
  path: string;
  handle: FileHandle;
}

/**
 * The copies logrotate's copytruncate leaves beside a log (app.log.1, app.log-20261202 …): the file is
 * copied, then truncated in place, so what was written after a reader's last read is only in the copy.
 * Siblings are the files in the log's directory whose names start with the log's name.
 */
export class RotatedCopy {
  /** The siblings at `remember()`, by inode: a rotation that renames app.log.1 to app.log.2 is no news. */
  private known: Map<number, Seen> | undefined;

  constructor(readonly path: string) {}

  /** Note the siblings as they are now: `fresh()` reports the ones written after this (nothing before it is called). */
  async remember(): Promise<void> {
    const known = new Map<number, Seen>();
    await this.each(async (_path, handle, ino) => {
      const st = await handle.stat();
      known.set(ino, { size: st.size, mtimeMs: st.mtimeMs, head: await readAt(handle, 0, HEAD) });
      return false;
    });
    this.known = known;
  }

  /**
   * The copy of our log made before it was truncated: the sibling holding, just before `offset`, the
   * bytes we had read there (`seen`). What it holds past `offset` was written after our last read.
   */
  async byBytes(seen: Buffer, offset: number, logIno: number): Promise<Copy | undefined> {
    if (seen.length === 0) return undefined; // nothing read to recognize it by
    return this.find(async (handle, ino) => {
      if (ino === logIno || (await handle.stat()).size <= offset) return false;
      return (await readAt(handle, offset - seen.length, seen.length)).equals(seen);
    });
  }

  /**
   * The siblings created or rewritten since `remember()`, oldest first: copies of our log made since we
   * started it again at 0 and read nothing, so all they hold is unread. Skipped: a sibling that only
   * grew (an old log renamed away that its writer still appends to), one that starts as the log still
   * does (copied but not truncated: we read it in the log itself), and compressed ones.
   */
  async fresh(log: FileHandle, logIno: number): Promise<Copy[]> {
    const known = this.known;
    if (known === undefined) return []; // nothing to compare with: every old log would look new
    const logSize = (await log.stat()).size;
    const found: { copy: Copy; mtimeMs: number }[] = [];
    await this.each(async (path, handle, ino) => {
      if (ino === logIno) return false;
      const st = await handle.stat();
      if (st.size === 0) return false;
      const head = await readAt(handle, 0, HEAD);
      const before = known.get(ino);
      // Same start and longer: it only grew. Same start, same size: untouched, unless written again (a
      // copy of a log that held the same bytes again).
      const sameStart = before !== undefined && head.subarray(0, before.head.length).equals(before.head);
      if (sameStart && (st.size > before.size || (st.size === before.size && st.mtimeMs === before.mtimeMs))) return false;
      if (COMPRESSED.some((magic) => head.subarray(0, magic.length).equals(Buffer.from(magic)))) return false;
      if (logSize >= st.size && (await isPrefixOf(handle, st.size, head, log))) return false;
      found.push({ copy: { path, handle }, mtimeMs: st.mtimeMs });
      return true; // kept open for the caller
    });
    return found.sort((a, b) => a.mtimeMs - b.mtimeMs || rotationNumber(b.copy.path) - rotationNumber(a.copy.path)).map((f) => f.copy);
  }

  /** The first sibling `test` accepts, open. */
  private async find(test: (handle: FileHandle, ino: number) => Promise<boolean>): Promise<Copy | undefined> {
    let copy: Copy | undefined;
    await this.each(async (path, handle, ino) => {
      if (copy !== undefined || !(await test(handle, ino))) return false;
      copy = { path, handle };
      return true;
    });
    return copy;
  }

  /**
   * Open each regular-file sibling in turn and hand it to `visit`, which returns true to keep it open.
   * One that vanishes or cannot be read meanwhile is skipped: it is not a copy we can use.
   */
  private async each(visit: (path: string, handle: FileHandle, ino: number) => Promise<boolean>): Promise<void> {
    const dir = dirname(this.path);
    const name = basename(this.path);
    let names: string[];
    try {
      names = (await readdir(dir)).filter((n) => n !== name && n.startsWith(name));
    } catch {
      return;
    }
    for (const sibling of names) {
      const path = join(dir, sibling);
      let handle: FileHandle | undefined;
      let keep = false;
      try {
        handle = await open(path, 'r');
        const st = await handle.stat();
        keep = st.isFile() && (await visit(path, handle, st.ino));
      } catch {
        keep = false;
      } finally {
        if (!keep) await handle?.close().catch(() => {});
      }
    }
  }
}

/** app.log.2 is older than app.log.1 (logrotate's numbering): the order when mtimes tie (coarse clocks). */
function rotationNumber(path: string): number {
  return Number(/\.(\d+)$/.exec(path)?.[1] ?? 0);
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

/** Does the log hold the copy's bytes at its start and at the copy's end (a copy it was not truncated after)? */
async function isPrefixOf(copy: FileHandle, size: number, head: Buffer, log: FileHandle): Promise<boolean> {
  if (!(await readAt(log, 0, head.length)).equals(head)) return false;
  const end = Math.max(0, size - HEAD);
  return (await readAt(log, end, size - end)).equals(await readAt(copy, end, size - end));
}
