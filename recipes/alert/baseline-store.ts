import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { makeDirs } from '../make-dirs.js';
import type { FileState } from './file-checks.js';

/**
 * The checks' last look at each file of one rule (checksum, mode, owner, size), kept in
 * SPOOL/baselines/KEY.json.gz, so what changed while no alert ran is reported at the next start. KEY is
 * the rule's name and paths: another rule never reads this one's. Replaced atomically (temp + rename).
 */
export class BaselineStore {
  private readonly file: string;

  constructor(
    private readonly dir: string,
    rule: { name: string; paths: readonly string[] },
  ) {
    const key = createHash('sha256')
      .update(JSON.stringify([rule.name, rule.paths]))
      .digest('hex')
      .slice(0, 16);
    this.file = join(dir, `${key}.json.gz`);
  }

  /** What the last run saw, or undefined if none ran (or its file cannot be read: a first look then). */
  load(): Map<string, FileState> | undefined {
    try {
      return new Map(JSON.parse(gunzipSync(readFileSync(this.file)).toString('utf8')) as Array<[string, FileState]>);
    } catch {
      return undefined;
    }
  }

  save(states: ReadonlyMap<string, FileState>): void {
    makeDirs(this.dir, 0o700);
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, gzipSync(JSON.stringify([...states])), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
