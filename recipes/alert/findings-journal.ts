import { closeSync, openSync, readdirSync, readFileSync, rmdirSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { makeDirs } from '../make-dirs.js';
import { identityAlive, processIdentity } from '../process-identity.js';
import type { Finding } from './digest-queue.js';

/** A finding of a journal left by a process that is gone, with the rule it was for. */
export type OrphanFinding = Finding & { rule: string };

/**
 * Findings not yet in a spooled mail, on disk as they arrive (SPOOL/pending/PID-START/N.jsonl, one JSON
 * line each): an alert killed with its digest windows open (kill -9, a crash) has them mailed by the
 * next start. Each rule's open window has a file; when its digest is made the file is cut, and removed
 * once the mail is in the spool. Written, not fsync'd: a killed process loses nothing, a power loss may.
 */
export class FindingsJournal {
  private readonly dir: string;
  private readonly files = new Map<string, { fd: number; path: string }>();
  private next = 0;

  constructor(private readonly spoolDir: string) {
    this.dir = join(spoolDir, 'pending', processIdentity() ?? String(process.pid));
  }

  append(rule: string, finding: Finding): void {
    let file = this.files.get(rule);
    if (file === undefined) {
      makeDirs(this.dir, 0o700);
      const path = join(this.dir, `${this.next++}.jsonl`);
      file = { fd: openSync(path, 'a', 0o600), path };
      this.files.set(rule, file);
    }
    writeSync(file.fd, `${JSON.stringify({ ...finding, rule })}\n`);
  }

  /** The rule's digest was made: later findings go to a new file. Call the returned function once its mail is spooled. */
  cut(rule: string): () => void {
    const file = this.files.get(rule);
    if (file === undefined) return () => {};
    this.files.delete(rule);
    closeSync(file.fd);
    return () => {
      rmSync(file.path, { force: true });
      this.removeIfEmpty(this.dir);
    };
  }

  /** Stop writing (every window was flushed to the spool, or the process is going). */
  close(): void {
    for (const { fd } of this.files.values()) closeSync(fd);
    this.files.clear();
    this.removeIfEmpty(this.dir);
  }

  /**
   * The findings of journals whose process is gone, oldest first. `done()` removes those journals:
   * call it once the findings are in this process's queues (and so in its own journal).
   */
  orphans(): { findings: OrphanFinding[]; processes: number; done(): void } {
    const top = join(this.spoolDir, 'pending');
    let names: string[] = [];
    try {
      names = readdirSync(top).filter((name) => join(top, name) !== this.dir && !identityAlive(name));
    } catch {
      // no journal yet
    }
    const findings: OrphanFinding[] = [];
    for (const name of names) {
      for (const file of readdirSync(join(top, name)).sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10))) {
        for (const line of readFileSync(join(top, name, file), 'utf8').split('\n')) {
          try {
            findings.push(JSON.parse(line) as OrphanFinding);
          } catch {
            // an empty line, or the last one cut short by the kill
          }
        }
      }
    }
    findings.sort((a, b) => a.time - b.time);
    return {
      findings,
      processes: names.length,
      done: () => {
        for (const name of names) rmSync(join(top, name), { recursive: true, force: true });
      },
    };
  }

  private removeIfEmpty(dir: string): void {
    try {
      rmdirSync(dir);
    } catch {
      // not empty (another rule's window is open), or gone
    }
  }
}
