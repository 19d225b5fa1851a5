import { closeSync, fstatSync, ftruncateSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { VERSIONS_DIR } from './versions.js';

export const MANIFEST_FILE = '.tswatch-manifest';

/** Names at the top of DEST that belong to tswatch, never mirrored, never deleted as extras. */
export function isReservedName(name: string): boolean {
  return name === VERSIONS_DIR || name === MANIFEST_FILE || name === `${MANIFEST_FILE}.tmp`;
}

/**
 * Every path tswatch has mirrored into DEST. A DEST-only entry listed here is a copy whose SRC side
 * went away while tswatch could not see it (killed, stopped): the next start deletes it. One not
 * listed is the user's own and is kept (unless --delete). A path is appended before it is created in
 * DEST, so even `kill -9` cannot leave an unlisted copy behind. One JSON string per line (names may
 * hold newlines); rewritten whole after each initial sync.
 */
export class Manifest {
  private readonly path: string;
  private known = new Set<string>();
  /** Appended since the last rewrite began: a rewrite must keep them. */
  private recent = new Set<string>();
  private fd: number | undefined;
  /** The file's size after the last complete append (undefined until it is opened). */
  private size: number | undefined;
  /** Lines in the file at the last load or rewrite, and appended since. */
  private lines = 0;
  private appended = 0;

  constructor(dest: string) {
    this.path = join(dest, MANIFEST_FILE);
  }

  /** Read what an earlier run listed. */
  async load(): Promise<void> {
    let text = '';
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    for (const line of text.split('\n')) {
      try {
        const rel: unknown = JSON.parse(line);
        if (typeof rel === 'string') this.known.add(rel);
        this.lines++;
      } catch {
        // an empty line, or the last one cut short by a crash
      }
    }
  }

  has(rel: string): boolean {
    return this.known.has(rel);
  }

  /**
   * List rel; resolves once the line is written (before the caller creates it in DEST), rejects if it
   * could not be. The write is synchronous: one small append to a cached file, far cheaper than a trip
   * through the thread pool per copy, and it keeps appends and rewrites in order without a queue.
   */
  add(rel: string): Promise<void> {
    this.recent.add(rel);
    if (this.known.has(rel)) return Promise.resolve();
    try {
      this.append(`${JSON.stringify(rel)}\n`);
    } catch (err) {
      return Promise.reject(err as Error); // not listed: the next add() of rel writes it again
    }
    this.known.add(rel);
    this.appended++;
    return Promise.resolve();
  }

  private append(line: string): void {
    this.fd ??= openSync(this.path, 'a');
    this.size ??= fstatSync(this.fd).size;
    try {
      writeSync(this.fd, line);
    } catch (err) {
      // A full disk may take part of it: cut that off, or the next line would be joined to it.
      try {
        ftruncateSync(this.fd, this.size);
      } catch {
        // the file stays as it is; load() skips a line it cannot read
      }
      throw err;
    }
    this.size += Buffer.byteLength(line);
  }

  /** DEST/from was renamed to DEST/to: every path listed at or below `from` is listed under `to` instead. */
  rename(from: string, to: string): Promise<void> {
    const prefix = `${from}/`;
    const moved = [...this.known].filter((rel) => rel === from || rel.startsWith(prefix));
    this.forget(from, true);
    return Promise.all(moved.map((rel) => this.add(to + rel.slice(from.length)))).then(() => {});
  }

  /** rel (with all below it, for a directory) left DEST. */
  forget(rel: string, isDir: boolean): void {
    this.known.delete(rel);
    this.recent.delete(rel);
    if (!isDir) return;
    const prefix = `${rel}/`;
    for (const set of [this.known, this.recent]) for (const path of set) if (path.startsWith(prefix)) set.delete(path);
  }

  /** Rewrite the file from memory once appends outnumber the lines it started with (churn of short-lived files). */
  compactIfBloated(): Promise<void> {
    if (this.appended <= Math.max(1000, this.lines)) return Promise.resolve();
    return this.rewrite();
  }

  /** Mark the start of a walk whose result will be passed to rewrite(). */
  beginRewrite(): void {
    this.recent = new Set();
  }

  /**
   * Replace the list by `rels` plus what was added since beginRewrite(), atomically; without `rels`
   * (compaction), by all known. An empty `rels` is an empty SRC: nothing of the old list stays.
   */
  rewrite(rels?: Iterable<string>): Promise<void> {
    try {
      const all = rels === undefined ? new Set(this.known) : new Set([...rels, ...this.recent]);
      const tmp = `${this.path}.tmp`;
      writeFileSync(tmp, [...all].map((rel) => `${JSON.stringify(rel)}\n`).join(''));
      renameSync(tmp, this.path);
      this.closeFile();
      this.known = all;
      this.lines = all.size;
      this.appended = 0;
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  async close(): Promise<void> {
    this.closeFile();
  }

  private closeFile(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.size = undefined;
  }
}
