import {
  closeSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { TswatchError } from '../../src/index.js';
import { makeDirs } from '../make-dirs.js';

/**
 * When appended records reach the disk. A killed process loses nothing in any mode (what was written is
 * in the kernel's page cache); these only matter when the machine itself goes down.
 * - `always`: fsync after every append batch (slowest; nothing lost on power failure),
 * - `interval`: fsync at most every `fsyncIntervalMs` (default; up to that much lost on power failure),
 * - `never`: leave it to the kernel's writeback (about 30 s).
 */
export type FsyncPolicy = 'always' | 'interval' | 'never';

export interface OutboxOptions {
  dir: string;
  /** The most the outbox holds on disk; when full the oldest segment is dropped (counted). Default 64 MiB. */
  maxBytes?: number;
  /** Size at which a new segment file starts. Default: maxBytes / 16, between 4 KiB and 4 MiB. */
  segmentBytes?: number;
  fsync?: FsyncPolicy;
  fsyncIntervalMs?: number;
}

interface Position {
  seg: number;
  off: number;
}

/** Records read for sending; `ack` it once the broker has them. */
export interface OutboxBatch {
  lines: string[];
  end: Position;
}

const segName = (seg: number): string => `${String(seg).padStart(16, '0')}.seg`;
const countLines = (buf: Buffer): number => {
  let n = 0;
  for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) n++;
  return n;
};

/**
 * A bounded on-disk queue of records (one JSON line each): append-only segment files `NNNN.seg` and a
 * `cursor` file saying how far the broker acknowledged. Records leave only through `ack`; after a crash
 * everything past the cursor is read again (sinks deduplicate by event id, so a re-send is harmless).
 * The cursor is replaced atomically (write + rename) after each ack, without fsync: losing it to a power
 * failure only means a re-send.
 */
export class EventOutbox {
  /** Records dropped because the outbox was full, since it was opened. */
  dropped = 0;
  private segments: number[] = [];
  private sizes = new Map<number, number>();
  private cursor: Position = { seg: 0, off: 0 };
  private readPos: Position = { seg: 0, off: 0 };
  private fd: number;
  private waiting = 0;
  private lastSync = 0;
  private readonly maxBytes: number;
  private readonly segmentBytes: number;

  constructor(
    private readonly options: OutboxOptions,
    private readonly onDrop: (count: number, total: number) => void = () => {},
  ) {
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.segmentBytes = options.segmentBytes ?? Math.min(4 << 20, Math.max(4 << 10, Math.floor(this.maxBytes / 16)));
    try {
      makeDirs(options.dir);
      this.segments = readdirSync(options.dir)
        .filter((f) => /^\d{16}\.seg$/.test(f))
        .map((f) => Number(f.slice(0, 16)))
        .sort((a, b) => a - b);
      for (const seg of this.segments) this.sizes.set(seg, statSync(this.file(seg)).size);
      this.cursor = this.readCursor();
      if (this.segments.length === 0) this.segments.push(this.cursor.seg);
      this.fd = openSync(this.file(this.last), 'a+');
      this.repairTail();
    } catch (err) {
      if (err instanceof TswatchError) throw err;
      throw new TswatchError(`outbox ${options.dir}: ${(err as Error).message}`, {
        code: (err as NodeJS.ErrnoException).code ?? 'EIO',
        path: options.dir,
        hint: 'give --outbox a directory you can write to (one per tswatch process)',
      });
    }
    this.readPos = { ...this.cursor };
    this.waiting = this.countFrom(this.cursor);
  }

  /** Records appended and not yet acknowledged (nor dropped). */
  get pending(): number {
    return this.waiting;
  }

  /** Append records (each one line of JSON, no newline), in one write. */
  append(lines: string[]): void {
    if (lines.length === 0) return;
    const buf = Buffer.from(`${lines.join('\n')}\n`);
    if (this.size(this.last) > 0 && this.size(this.last) + buf.length > this.segmentBytes) this.rotate();
    while (this.segments.length > 1 && this.total() + buf.length > this.maxBytes) this.dropOldest();
    writeSync(this.fd, buf);
    this.sizes.set(this.last, this.size(this.last) + buf.length);
    this.waiting += lines.length;
    const policy = this.options.fsync ?? 'interval';
    const now = Date.now();
    if (policy === 'always' || (policy === 'interval' && now - this.lastSync >= (this.options.fsyncIntervalMs ?? 1000))) {
      fsyncSync(this.fd);
      this.lastSync = now;
    }
  }

  /** Up to `maxRecords` records after the last read (from one segment), or undefined when all are read. */
  read(maxRecords = 500, maxBytes = 1 << 20): OutboxBatch | undefined {
    for (;;) {
      const { seg, off } = this.readPos;
      const size = this.size(seg);
      if (off < size) {
        // Not zero-filled (a 1 MiB fill per batch was most of the read's cost); only what was read is used.
        let buf = Buffer.allocUnsafe(Math.min(maxBytes, size - off));
        const fd = seg === this.last ? this.fd : openSync(this.file(seg), 'r');
        try {
          buf = buf.subarray(0, readSync(fd, buf, 0, buf.length, off));
        } finally {
          if (fd !== this.fd) closeSync(fd);
        }
        let end = 0;
        const lines: string[] = [];
        while (lines.length < maxRecords) {
          const nl = buf.indexOf(10, end);
          if (nl === -1) break;
          lines.push(buf.toString('utf8', end, nl));
          end = nl + 1;
        }
        if (lines.length === 0)
          throw new TswatchError(`outbox ${this.options.dir}: a record is longer than ${maxBytes} bytes`, { code: 'EMSGSIZE' });
        this.readPos = { seg, off: off + end };
        return { lines, end: { ...this.readPos } };
      }
      const next = this.segments.find((s) => s > seg);
      if (next === undefined) return undefined;
      this.readPos = { seg: next, off: 0 };
    }
  }

  /** The broker has everything up to the end of `batch`: move the cursor, delete finished segments. */
  ack(batch: OutboxBatch): void {
    const { end } = batch;
    if (end.seg < this.cursor.seg || (end.seg === this.cursor.seg && end.off <= this.cursor.off)) return; // dropped meanwhile
    this.waiting -= batch.lines.length;
    this.cursor = { ...end };
    while (this.cursor.seg !== this.last && this.cursor.off >= this.size(this.cursor.seg)) {
      this.removeSegment(this.cursor.seg);
      this.cursor = { seg: this.segments[0]!, off: 0 };
    }
    const tmp = join(this.options.dir, 'cursor.tmp');
    writeFileSync(tmp, `${this.cursor.seg} ${this.cursor.off}\n`);
    renameSync(tmp, join(this.options.dir, 'cursor'));
  }

  /** Sending failed: read again from the last acknowledged record. */
  rewind(): void {
    this.readPos = { ...this.cursor };
  }

  close(): void {
    fsyncSync(this.fd);
    closeSync(this.fd);
  }

  private get last(): number {
    return this.segments[this.segments.length - 1]!;
  }

  private file(seg: number): string {
    return join(this.options.dir, segName(seg));
  }

  private size(seg: number): number {
    return this.sizes.get(seg) ?? 0;
  }

  private total(): number {
    let total = 0;
    for (const size of this.sizes.values()) total += size;
    return total;
  }

  private readCursor(): Position {
    let text: string;
    try {
      text = readFileSync(join(this.options.dir, 'cursor'), 'utf8');
    } catch {
      return { seg: this.segments[0] ?? 0, off: 0 };
    }
    const [seg, off] = text.trim().split(' ').map(Number) as [number, number];
    // A cursor in a segment dropped or deleted since: start at the oldest one there is.
    if (!this.segments.includes(seg)) return { seg: this.segments.find((s) => s > seg) ?? seg, off: 0 };
    return { seg, off: Math.min(off, this.size(seg)) };
  }

  /** A write cut short by a crash leaves a partial line at the end: cut it off. */
  private repairTail(): void {
    const size = fstatSync(this.fd).size;
    if (size === 0) return;
    const tail = Buffer.alloc(Math.min(size, 1 << 20));
    readSync(this.fd, tail, 0, tail.length, size - tail.length);
    if (tail[tail.length - 1] === 10) return;
    const nl = tail.lastIndexOf(10);
    const keep = nl === -1 ? size - tail.length : size - tail.length + nl + 1;
    ftruncateSync(this.fd, keep);
    this.sizes.set(this.last, keep);
  }

  private countFrom(pos: Position): number {
    let n = 0;
    for (const seg of this.segments) {
      if (seg < pos.seg) continue;
      const buf = readFileSync(this.file(seg));
      n += countLines(seg === pos.seg ? buf.subarray(pos.off) : buf);
    }
    return n;
  }

  private rotate(): void {
    fsyncSync(this.fd);
    closeSync(this.fd);
    const seg = this.last + 1;
    this.segments.push(seg);
    this.sizes.set(seg, 0);
    this.fd = openSync(this.file(seg), 'a+');
  }

  /** Full: the oldest segment goes, and every record in it not yet acknowledged is counted and reported. */
  private dropOldest(): void {
    const seg = this.segments[0]!;
    let lost = 0;
    if (this.cursor.seg <= seg) {
      const buf = readFileSync(this.file(seg));
      lost = countLines(this.cursor.seg === seg ? buf.subarray(this.cursor.off) : buf);
    }
    this.removeSegment(seg);
    const next = this.segments[0]!;
    if (this.cursor.seg <= seg) this.cursor = { seg: next, off: 0 };
    if (this.readPos.seg <= seg) this.readPos = { seg: next, off: 0 };
    this.waiting -= lost;
    this.dropped += lost;
    if (lost > 0) this.onDrop(lost, this.dropped);
  }

  private removeSegment(seg: number): void {
    unlinkSync(this.file(seg));
    this.sizes.delete(seg);
    this.segments = this.segments.filter((s) => s !== seg);
  }
}
