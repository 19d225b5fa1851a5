import { type FileHandle, open, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A line longer than this is cut and reported in pieces (a runaway writer must not eat memory). */
const MAX_LINE = 64 * 1024;
const CHUNK = 64 * 1024;
/** Bytes kept to recognize a rewritten file (see `rewritten`). */
const SEEN = 64;

/**
 * `tail -F` for one file, driven by `poke()` (called on every inotify event for the path). It follows
 * the file across rotation: rename + recreate (the old file is read to its end through the still-open
 * descriptor, then the new one from its start), copytruncate and plain truncation (size below the
 * read offset, or the bytes before the offset changed: start again from 0; the lines written before a
 * copytruncate but not read yet are read from the copy). Only lines written after `start()` are reported.
 */
export class LogTail {
  private handle: FileHandle | undefined;
  private ino = -1;
  private offset = 0;
  private partial: Buffer = Buffer.alloc(0);
  /** The last bytes read, ending at `offset`: if they changed, the file was truncated and rewritten. */
  private seen: Buffer = Buffer.alloc(0);

  constructor(
    readonly path: string,
    private readonly onLine: (line: string) => void,
  ) {}

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
    if (this.handle !== undefined) {
      if (current !== this.ino) {
        // Rotated away (renamed or deleted): what was written before the rename is still ours.
        await this.drain();
        this.flushPartial();
        await this.close();
      } else if (await this.rewritten()) {
        // Truncated in place (copytruncate, `> file`): the new content starts at 0. What was written
        // after our last read and before the truncation is in the copy, if there is one: read it first.
        await this.readRest();
        this.flushPartial();
        this.offset = 0;
        this.partial = Buffer.alloc(0);
        this.seen = Buffer.alloc(0);
      }
    }
    if (this.handle === undefined && (current === undefined || !(await this.reopen()))) return;
    await this.drain();
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    this.ino = -1;
    this.offset = 0;
    this.partial = Buffer.alloc(0);
    this.seen = Buffer.alloc(0);
    await handle?.close();
  }

  /**
   * Truncated since the last read? Shorter than what was read says so; but a truncation followed by
   * writes can leave the file longer than before by the time we look (both are IN_MODIFY), so the
   * bytes just before the offset must also still be the ones read there.
   */
  private async rewritten(): Promise<boolean> {
    if ((await this.handle!.stat()).size < this.offset) return true;
    if (this.seen.length === 0) return false;
    const now = Buffer.alloc(this.seen.length);
    const { bytesRead } = await this.handle!.read(now, 0, now.length, this.offset - this.seen.length);
    return bytesRead !== now.length || !now.equals(this.seen);
  }

  /**
   * copytruncate copied the file (app.log → app.log.1, app.log-20261202 …) before truncating it: the
   * sibling whose bytes before our offset are the ones we read there holds what we had not read yet.
   */
  private async readRest(): Promise<void> {
    if (this.seen.length === 0) return; // nothing read to recognize the copy by
    const dir = dirname(this.path);
    const name = basename(this.path);
    let names: string[];
    try {
      names = (await readdir(dir)).filter((n) => n !== name && n.startsWith(name));
    } catch {
      return;
    }
    for (const candidate of names) {
      let copy: FileHandle | undefined;
      try {
        copy = await open(join(dir, candidate), 'r');
        const st = await copy.stat();
        if (!st.isFile() || st.size <= this.offset || st.ino === this.ino) continue;
        const there = Buffer.alloc(this.seen.length);
        const { bytesRead } = await copy.read(there, 0, there.length, this.offset - this.seen.length);
        if (bytesRead !== there.length || !there.equals(this.seen)) continue;
        await this.drain(copy);
        return;
      } catch {
        // gone or unreadable meanwhile: not the copy we need
      } finally {
        await copy?.close();
      }
    }
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
    this.offset = 0;
    this.partial = Buffer.alloc(0);
    this.seen = Buffer.alloc(0);
    return true;
  }

  private async drain(handle: FileHandle = this.handle!): Promise<void> {
    const buffer = Buffer.alloc(CHUNK);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, this.offset);
      if (bytesRead === 0) return;
      this.offset += bytesRead;
      const read = buffer.subarray(0, bytesRead);
      this.seen = Buffer.from(bytesRead >= SEEN ? read.subarray(bytesRead - SEEN) : Buffer.concat([this.seen, read]).subarray(-SEEN));
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
