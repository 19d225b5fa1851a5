import { closeSync, fstatSync, ftruncateSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { VERSIONS_DIR } from './versions.js';

export const MANIFEST_FILE = '.tswatch-manifest';

/** What JSON.stringify escapes (a surrogate even in a pair, to be safe): a path without any is its line in quotes. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what JSON escapes
const ESCAPED = /["\\\x00-\x1f\ud800-\udfff]/;

/** Names at the top of DEST that belong to tswatch, never mirrored, never deleted as extras. */
export function isReservedName(name: string): boolean {
  return name === VERSIONS_DIR || name === MANIFEST_FILE || name === `${MANIFEST_FILE}.tmp`;
}

/**
 * Every path tswatch has mirrored into DEST. A DEST-only entry listed here is a copy whose SRC side
 * went away while tswatch could not see it (killed, stopped): the next start deletes it. One not
 * listed is the user's own and is kept (unless --delete). A path is appended before it is created in
 * DEST, so even `kill -9` cannot leave an unlisted copy behind. One JSON string per line (names may
 * hold newlines); rewritten whole after an initial sync that found it out of date.
 */
export class Manifest {
  private readonly path: string;
  private known = new Set<string>();
  /** The file as load() read it, until something needs `known` (a no-op re-sync never does). */
  private unparsed: string | undefined;
  /** Appended since the last rewrite began: a rewrite must keep them. */
  private recent = new Set<string>();
  private fd: number | undefined;
  /** The file's size after the last complete append (undefined until it is opened). */
  private size: number | undefined;
  /** Lines in the file at the last load or rewrite, and appended since. */
  private lines = 0;
  private appended = 0;
  /** The file holds exactly `known`, one line each (no duplicate, no line cut short): a rewrite to it changes nothing. */
  private exact = false;

  constructor(dest: string) {
    this.path = join(dest, MANIFEST_FILE);
  }

  /** Read what an earlier run listed (the lines are parsed when first needed). */
  async load(): Promise<void> {
    try {
      this.unparsed = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }

  /** The paths listed: the file's lines parsed, on first use. */
  private paths(): Set<string> {
    const text = this.unparsed;
    if (text === undefined) return this.known;
    this.unparsed = undefined;
    let junk = 0;
    for (const line of text.split('\n')) {
      if (line === '') continue;
      try {
        const rel: unknown = JSON.parse(line);
        if (typeof rel === 'string') this.known.add(rel);
        else junk++;
        this.lines++;
      } catch {
        junk++; // the last line cut short by a crash
      }
    }
    this.exact = junk === 0 && this.lines === this.known.size && (text === '' || text.endsWith('\n'));
    return this.known;
  }

  /**
   * The file as read holds exactly `rels`, one line each in this order (rels are distinct, as a walk
   * gives them): compared in place, without parsing a line or making one for a plain path.
   */
  private fileIs(text: string, rels: readonly string[]): boolean {
    let pos = 0;
    for (const rel of rels) {
      if (ESCAPED.test(rel)) {
        const line = JSON.stringify(rel);
        if (!text.startsWith(line, pos)) return false;
        pos += line.length;
      } else {
        if (text.charCodeAt(pos) !== 34 || !text.startsWith(rel, pos + 1) || text.charCodeAt(pos + 1 + rel.length) !== 34) return false;
        pos += rel.length + 2;
      }
      if (text.charCodeAt(pos) !== 10) return false;
      pos++;
    }
    return pos === text.length;
  }

  has(rel: string): boolean {
    return this.paths().has(rel);
  }

  /**
   * List rel; resolves once the line is written (before the caller creates it in DEST), rejects if it
   * could not be. The write is synchronous: one small append to a cached file, far cheaper than a trip
   * through the thread pool per copy, and it keeps appends and rewrites in order without a queue.
   */
  add(rel: string): Promise<void> {
    this.recent.add(rel);
    if (this.paths().has(rel)) return Promise.resolve();
    try {
      this.append(`${JSON.stringify(rel)}\n`);
    } catch (err) {
      return Promise.reject(err as Error); // not listed: the next add() of rel writes it again
    }
    this.known.add(rel);
    this.appended++;
    this.exact = false;
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
    const moved = [...this.paths()].filter((rel) => rel === from || rel.startsWith(prefix));
    this.forget(from, true);
    return Promise.all(moved.map((rel) => this.add(to + rel.slice(from.length)))).then(() => {});
  }

  /** rel (with all below it, for a directory) left DEST. */
  forget(rel: string, isDir: boolean): void {
    this.paths();
    this.exact = false;
    this.known.delete(rel);
    this.recent.delete(rel);
    if (!isDir) return;
    const prefix = `${rel}/`;
    for (const set of [this.known, this.recent]) for (const path of set) if (path.startsWith(prefix)) set.delete(path);
  }

  /** Rewrite the file from memory once appends outnumber the lines it started with (churn of short-lived files); true if it did. */
  compactIfBloated(): Promise<boolean> {
    if (this.appended <= Math.max(1000, this.lines)) return Promise.resolve(false);
    return this.rewrite().then(() => true);
  }

  /** Mark the start of a walk whose result will be passed to rewrite(). */
  beginRewrite(): void {
    this.recent = new Set();
  }

  /**
   * Replace the list by `rels` plus what was added since beginRewrite(), atomically; without `rels`
   * (compaction), by all known. An empty `rels` is an empty SRC: nothing of the old list stays.
   */
  rewrite(rels?: readonly string[]): Promise<void> {
    try {
      // A re-sync of an unchanged tree, most often: the file lists what the walk saw, in its order.
      if (rels !== undefined && this.recent.size === 0 && this.unparsed !== undefined && this.fileIs(this.unparsed, rels)) {
        return Promise.resolve();
      }
      const all = rels === undefined ? new Set(this.paths()) : new Set([...rels, ...this.recent]);
      this.paths(); // `exact` and `known` are the file's
      // A re-sync of an unchanged tree: the file already says this (and DEST's top keeps its mtime).
      if (this.exact && all.size === this.known.size && [...all].every((rel) => this.known.has(rel))) return Promise.resolve();
      const tmp = `${this.path}.tmp`;
      writeFileSync(tmp, [...all].map((rel) => `${JSON.stringify(rel)}\n`).join(''));
      renameSync(tmp, this.path);
      this.closeFile();
      this.known = all;
      this.lines = all.size;
      this.appended = 0;
      this.exact = true;
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
