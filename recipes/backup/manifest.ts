import { type FileHandle, open, readFile, rename, writeFile } from 'node:fs/promises';
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
  private handle: FileHandle | undefined;
  private chain: Promise<void> = Promise.resolve();
  /** Lines waiting for the next append, and the write that will carry them. */
  private batch: string[] = [];
  /** The write that carries each path in `batch` or being written. */
  private readonly writing = new Map<string, Promise<void>>();
  /** The file's size after the last complete append (undefined until it is opened). */
  private size: number | undefined;
  private flush: Promise<void> | undefined;
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

  /** List rel; resolves once the line is written (before the caller creates it in DEST), rejects if it could not be. */
  add(rel: string): Promise<void> {
    this.recent.add(rel);
    if (this.known.has(rel)) return this.writing.get(rel) ?? Promise.resolve();
    this.known.add(rel);
    // Group commit: lines added while a write is under way go out together in the next one.
    this.batch.push(rel);
    this.flush ??= this.serial(async () => {
      const rels = this.batch;
      this.batch = [];
      this.flush = undefined;
      try {
        this.handle ??= await open(this.path, 'a');
        this.size ??= (await this.handle.stat()).size;
        const text = rels.map((r) => `${JSON.stringify(r)}\n`).join('');
        try {
          await this.handle.write(text);
        } catch (err) {
          // A full disk may take part of it: cut that off, or the next line would be joined to it.
          await this.handle.truncate(this.size).catch(() => {});
          throw err;
        }
        this.size += Buffer.byteLength(text);
        this.appended += rels.length;
      } catch (err) {
        // Not listed: the next add() of these paths writes them again.
        for (const r of rels) this.known.delete(r);
        throw err;
      } finally {
        for (const r of rels) this.writing.delete(r);
      }
    });
    this.writing.set(rel, this.flush);
    return this.flush;
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
  rewrite(rels?: Iterable<string>): Promise<void> {
    return this.serial(async () => {
      const all = rels === undefined ? new Set(this.known) : new Set([...rels, ...this.recent]);
      const tmp = `${this.path}.tmp`;
      await writeFile(tmp, [...all].map((rel) => `${JSON.stringify(rel)}\n`).join(''));
      await rename(tmp, this.path);
      await this.handle?.close();
      this.handle = undefined;
      this.size = undefined;
      this.known = all;
      this.lines = all.size;
      this.appended = 0;
    });
  }

  async close(): Promise<void> {
    await this.serial(async () => {
      await this.handle?.close();
      this.handle = undefined;
      this.size = undefined;
    });
  }

  private serial(step: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(step, step);
    return this.chain;
  }
}
