import { type FileHandle, open, stat } from 'node:fs/promises';
import { RotatedCopy } from './rotated-copy.js';

/** A line longer than this is cut and reported in pieces (a runaway writer must not eat memory). */
const MAX_LINE = 64 * 1024;
const CHUNK = 64 * 1024;
/** Bytes kept to recognize a rewritten file (see `drain`). */
const SEEN = 64;

/**
 * `tail -F` for one file, driven by `poke()` (called on every inotify event for the path). It follows
 * the file across rotation: rename + recreate (the old file is read to its end through the still-open
 * descriptor, then the new one from its start), copytruncate and plain truncation (size below the
 * read offset, or the bytes before the offset changed: start again from 0). The lines written before a
 * copytruncate but not read yet are read from the copy first (see RotatedCopy), also when the log was
 * copied and truncated again before we read anything after the last truncation. Only lines written
 * after `start()` are reported.
 */
export class LogTail {
  private handle: FileHandle | undefined;
  private ino = -1;
  private offset = 0;
  private partial: Buffer = Buffer.alloc(0);
  /** The last bytes read, ending at `offset`: if they changed, the file was truncated and rewritten. */
  private seen: Buffer = Buffer.alloc(0);
  private readonly copies: RotatedCopy;

  constructor(
    readonly path: string,
    private readonly onLine: (line: string) => void,
  ) {
    this.copies = new RotatedCopy(path);
  }

  /** Begin at the current end of the file (or at the start of one created later). */
  async start(): Promise<void> {
    if (!(await this.reopen())) return;
    const size = (await this.handle!.stat()).size;
    const seen = Buffer.alloc(Math.min(SEEN, size));
    const { bytesRead } = await this.handle!.read(seen, 0, seen.length, size - seen.length);
    this.seen = seen.subarray(0, bytesRead);
    this.offset = size - seen.length + bytesRead;
  }

  /** Read what was appended; follow a rotation or truncation. Must not run concurrently (see KeyedSerial). */
  async poke(): Promise<void> {
    const current = await this.currentIno();
    if (this.handle !== undefined && current !== this.ino) {
      // Rotated away (renamed or deleted): what was written before the rename is still ours.
      await this.drain(this.handle);
      this.flushPartial();
      await this.close();
    }
    if (this.handle === undefined) {
      if (current === undefined || !(await this.reopen())) return;
      await this.copies.remember();
    }
    // Started again at 0 and read nothing since: lines written since then may have gone to a copy
    // already, the log truncated again before we looked.
    if (this.offset === 0) await this.readFreshCopies();
    if (!(await this.drain(this.handle!))) {
      // Truncated in place (copytruncate, `> file`): the new content starts at 0. What was written
      // after our last read and before the truncation is in the copy, if there is one: read it first.
      await this.readRest();
      this.restart();
      await this.copies.remember();
      await this.drain(this.handle!);
    }
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    this.ino = -1;
    this.restart();
    await handle?.close();
  }

  /** The rest of the copytruncate's copy, past our offset (see RotatedCopy.byBytes). */
  private async readRest(): Promise<void> {
    const copy = await this.copies.byBytes(this.seen, this.offset, this.ino);
    if (copy === undefined) return;
    try {
      await this.drain(copy.handle);
    } finally {
      await copy.handle.close();
    }
    this.flushPartial();
  }

  /** Copies made since we started again at 0 (see RotatedCopy.fresh), read whole, oldest first. */
  private async readFreshCopies(): Promise<void> {
    const copies = await this.copies.fresh(this.handle!, this.ino);
    if (copies.length === 0) return;
    try {
      for (const copy of copies) {
        this.restart();
        await this.drain(copy.handle);
        this.flushPartial();
      }
    } finally {
      await Promise.all(copies.map((copy) => copy.handle.close()));
    }
    this.restart();
    await this.copies.remember(); // read: not fresh any more
  }

  private restart(): void {
    this.offset = 0;
    this.partial = Buffer.alloc(0);
    this.seen = Buffer.alloc(0);
  }

  private async currentIno(): Promise<number | undefined> {
    try {
      return (await stat(this.path)).ino;
    } catch {
      return undefined;
    }
  }

  private async reopen(): Promise<boolean> {
    try {
      this.handle = await open(this.path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
    this.ino = (await this.handle.stat()).ino;
    this.restart();
    return true;
  }

  /**
   * Read from `offset` to the end. Each read starts `seen.length` bytes early, so the same read that
   * brings the new bytes shows whether the ones before them are still those we read: if not (or the
   * file is now shorter), it was truncated and rewritten, and this returns false, having read nothing.
   * A truncation followed by writes can leave the file longer than before by the time we look.
   */
  private async drain(handle: FileHandle): Promise<boolean> {
    const buffer = Buffer.alloc(SEEN + CHUNK);
    for (;;) {
      const back = this.seen.length;
      const { bytesRead } = await handle.read(buffer, 0, back + CHUNK, this.offset - back);
      if (bytesRead < back || !buffer.subarray(0, back).equals(this.seen)) return false;
      if (bytesRead === back) return true;
      const read = buffer.subarray(back, bytesRead);
      this.offset += read.length;
      this.seen = Buffer.from(read.length >= SEEN ? read.subarray(-SEEN) : Buffer.concat([this.seen, read]).subarray(-SEEN));
      this.split(read);
    }
  }

  private split(chunk: Buffer): void {
    let data = this.partial.length > 0 ? Buffer.concat([this.partial, chunk]) : chunk;
    for (let nl = data.indexOf(10); nl !== -1; nl = data.indexOf(10)) {
      this.emit(data.subarray(0, nl));
      data = data.subarray(nl + 1);
    }
    while (data.length > MAX_LINE) {
      this.emit(data.subarray(0, MAX_LINE));
      data = data.subarray(MAX_LINE);
    }
    this.partial = Buffer.from(data);
  }

  /** The last line of a rotated file may lack its newline: it is still a line. */
  private flushPartial(): void {
    if (this.partial.length > 0) this.emit(this.partial);
    this.partial = Buffer.alloc(0);
  }

  private emit(line: Buffer): void {
    this.onLine(line.toString('utf8').replace(/\r$/, ''));
  }
}
