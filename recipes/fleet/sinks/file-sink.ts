import { closeSync, existsSync, fstatSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { csvField } from '../../../handlers/event-format.js';
import { inotifywaitNames, watchedName } from '../../../src/index.js';
import { makeDirs } from '../../make-dirs.js';
import { sinkName } from '../credentials.js';
import type { FleetRecord, Sink, SinkConfig, SinkMessage } from '../sink.js';

export const CSV_HEADER = 'id,host,time,watched,events,name';

/** A record as one CSV row: id, host, time, then inotifywait's --csv fields (%w,%e,%f). */
export function csvRecord(r: FleetRecord): string {
  return [r.id, r.host, r.time, watchedName(r), inotifywaitNames(r.mask), r.name].map(csvField).join(',');
}

/**
 * Appends records to a JSONL file (or CSV, when the name ends in .csv), renaming it to FILE.1 (FILE.1 to
 * FILE.2, …, keeping `keep`) when it reaches `rotateBytes`. The last id in the file is read at start, so
 * records re-sent after a crash that were already written are skipped.
 */
export class FileSink implements Sink {
  readonly name: string;
  private fd: number | undefined;
  private size = 0;
  private lastId: string | undefined;
  private readonly file: string;
  private readonly csv: boolean;

  constructor(
    url: URL,
    private readonly config: SinkConfig,
  ) {
    this.name = sinkName(config.url);
    this.file = fileURLToPath(url);
    this.csv = this.file.endsWith('.csv');
  }

  async send(batch: SinkMessage[]): Promise<void> {
    if (this.fd === undefined) this.open();
    if (batch.length === 0) return; // a check: the file is open
    if (this.lastId !== undefined) {
      const seen = batch.findIndex((m) => m.record.id === this.lastId);
      batch = batch.slice(seen + 1);
      this.lastId = undefined; // only the first batch after start can overlap
    }
    if (batch.length === 0) return;
    const text = batch.map((m) => `${this.csv ? csvRecord(m.record) : m.json}\n`).join('');
    const bytes = Buffer.from(text);
    if (this.size > 0 && this.size + bytes.length > (this.config.rotateBytes ?? 64 << 20)) {
      this.rotate();
      this.open();
    }
    writeSync(this.fd!, bytes);
    this.size += bytes.length;
  }

  async close(): Promise<void> {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private open(): void {
    makeDirs(dirname(this.file));
    const fd = openSync(this.file, 'a+');
    this.size = fstatSync(fd).size;
    this.fd = fd;
    if (this.size === 0) {
      if (this.csv) this.write(`${CSV_HEADER}\n`);
      return;
    }
    const tail = Buffer.alloc(Math.min(this.size, 64 << 10));
    readSync(fd, tail, 0, tail.length, this.size - tail.length);
    const lines = tail
      .toString()
      .split('\n')
      .filter((l) => l !== '');
    const last = lines[lines.length - 1] ?? '';
    this.lastId = this.csv ? last.split(',')[0] : (/^\{"id":"([^"]*)"/.exec(last)?.[1] ?? undefined);
  }

  private write(text: string): void {
    const bytes = Buffer.from(text);
    writeSync(this.fd!, bytes);
    this.size += bytes.length;
  }

  private rotate(): void {
    closeSync(this.fd!);
    this.fd = undefined;
    const keep = this.config.keep ?? 5;
    for (let i = keep - 1; i >= 1; i--) if (existsSync(`${this.file}.${i}`)) renameSync(`${this.file}.${i}`, `${this.file}.${i + 1}`);
    renameSync(this.file, `${this.file}.1`);
  }
}
