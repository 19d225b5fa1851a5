import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TswatchError } from '../../src/index.js';
import { makeDirs } from '../make-dirs.js';
import { pidAlive } from '../process-identity.js';

/** A rendered mail as it goes over the wire: resent byte for byte, so its Message-ID marks a resend. */
export interface SpooledMail {
  messageId: string;
  envelope: { from: string; to: string[] };
  raw: string;
}

export interface SpooledWebhook {
  url: string;
  body: unknown;
}

/** One thing to deliver, with its retry state. */
export interface SpoolEntry {
  id: string;
  created: number;
  attempts: number;
  /** ms since the epoch; 0: at once. */
  nextAttempt: number;
  lastError?: string;
  mail?: SpooledMail;
  webhook?: SpooledWebhook;
}

const SUFFIX = '.json';
/** `<entry>.json.<pid>.sending`: taken by the process with that pid. */
const CLAIM = /^(.+\.json)\.(\d+)\.sending$/;

/**
 * The on-disk outbox. Each entry is one file, written atomically (temp file, fsync, rename, fsync of
 * the directory), so a crash leaves either the whole entry or none. A sender first claims an entry by
 * renaming it (only one process can win that rename), and removes it only once delivered.
 */
export class Spool {
  constructor(readonly dir: string) {}

  open(): void {
    try {
      makeDirs(this.dir, 0o700);
    } catch (err) {
      throw new TswatchError(`cannot create the mail spool '${this.dir}': ${(err as Error).message}`, {
        code: (err as NodeJS.ErrnoException).code ?? 'EIO',
        path: this.dir,
        hint: 'give a writable directory with --spool DIR (or TSWATCH_SPOOL)',
      });
    }
    this.releaseStaleClaims();
  }

  /** Write a new entry; resolves once it is on disk. */
  add(entry: Omit<SpoolEntry, 'id' | 'created' | 'attempts' | 'nextAttempt'>): SpoolEntry {
    const created = Date.now();
    const full: SpoolEntry = { id: `${created}-${randomUUID()}`, created, attempts: 0, nextAttempt: 0, ...entry };
    this.write(this.file(full.id), full);
    return full;
  }

  /** Entries waiting, oldest first. An unreadable file is set aside as `.corrupt`, never retried forever. */
  list(): SpoolEntry[] {
    const entries: SpoolEntry[] = [];
    for (const name of readdirSync(this.dir)
      .filter((n) => n.endsWith(SUFFIX))
      .sort()) {
      try {
        entries.push(JSON.parse(readFileSync(join(this.dir, name), 'utf8')) as SpoolEntry);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // another process claimed it
        renameSync(join(this.dir, name), join(this.dir, `${name}.corrupt`));
      }
    }
    return entries;
  }

  /** Take an entry for sending; false when another process has it (or it is gone). */
  claim(entry: SpoolEntry): boolean {
    try {
      renameSync(this.file(entry.id), this.claimFile(entry.id, process.pid));
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }

  /** Delivered: the entry is gone for good. */
  done(entry: SpoolEntry): void {
    unlinkSync(this.claimFile(entry.id, process.pid));
    this.syncDir();
  }

  /** Not delivered: put it back with its new retry state. */
  release(entry: SpoolEntry): void {
    this.write(this.file(entry.id), entry);
    unlinkSync(this.claimFile(entry.id, process.pid));
  }

  /** Refused for good: kept in failed/ for a human, never retried. */
  reject(entry: SpoolEntry): void {
    const failed = join(this.dir, 'failed');
    makeDirs(failed, 0o700);
    this.write(join(failed, `${entry.id}${SUFFIX}`), entry);
    unlinkSync(this.claimFile(entry.id, process.pid));
  }

  private file(id: string): string {
    return join(this.dir, `${id}${SUFFIX}`);
  }

  private claimFile(id: string, pid: number): string {
    return `${this.file(id)}.${pid}.sending`;
  }

  private write(path: string, entry: SpoolEntry): void {
    const tmp = join(this.dir, `.tmp-${entry.id}-${process.pid}`);
    writeFileSync(tmp, JSON.stringify(entry), { mode: 0o600 });
    const fd = openSync(tmp, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    this.syncDir();
  }

  private syncDir(): void {
    const fd = openSync(this.dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Entries taken by a process that died (kill -9) go back to the queue, and its temp files go. A pid
   * may have been reused (a container's pid 1, restarted): a claim older than any send can take is stale too.
   */
  private releaseStaleClaims(): void {
    for (const name of readdirSync(this.dir)) {
      const claim = CLAIM.exec(name);
      const pid = Number(claim?.[2] ?? /^\.tmp-.*-(\d+)$/.exec(name)?.[1] ?? NaN);
      if (Number.isNaN(pid)) continue;
      const path = join(this.dir, name);
      let stale = pid === process.pid || !pidAlive(pid);
      try {
        stale ||= Date.now() - statSync(path).ctimeMs > STALE_CLAIM_MS;
        if (!stale) continue;
        if (claim) renameSync(path, join(this.dir, claim[1]!));
        else unlinkSync(path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
  }
}

/** Longer than the longest SMTP exchange (timeouts are 20 s to connect, 60 s per socket read). */
const STALE_CLAIM_MS = 15 * 60_000;
