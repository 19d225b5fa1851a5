import { TswatchError } from '../../src/index.js';
import { denied } from '../permission-denied.js';
import { backupError, isNoRoom, unreadableError } from './backup-error.js';
import { RoomRetry } from './room-retry.js';
import { type NameProblem, unmirrorableError } from './unmirrorable-name.js';

/** Copies failing for want of room that are named one by one in an outage; the rest are counted. */
const ROOM_NAMED = 10;

/**
 * What DEST lacks of SRC, and why: paths skipped (unreadable, or names that cannot be mirrored) and
 * jobs that failed, each said once and counted; copies that failed for want of room are retried.
 * Kept apart from LiveBackup, which hands every failure here and turns `say` and `notice` into its events.
 */
export class BackupProblems {
  private errorCount = 0;
  /** SRC paths tswatch may not read or watch: skipped, named once each. */
  private readonly unreadable = new Map<string, TswatchError>();
  /** SRC paths whose names cannot be mirrored: skipped, named once each, until renamed or deleted. */
  private readonly badNames = new Map<string, TswatchError>();
  /** Paths whose last job failed, until one for them succeeds. */
  private readonly failed = new Map<string, TswatchError>();
  /** Copies that failed for want of room on DEST, retried with backoff. */
  private readonly room: RoomRetry;

  constructor(
    private readonly dest: string,
    /** An error for the user (the `error` event). */
    private readonly say: (error: TswatchError) => void,
    /** A line for the user (the `notice` event): DEST full, and room again. */
    private readonly notice: (line: string) => void,
    /** Copy these paths again (DEST had no room for them). */
    retry: (rels: string[]) => Promise<void>,
  ) {
    this.room = new RoomRetry(retry, notice);
  }

  /**
   * What is not in DEST as SRC has it: paths tswatch may not read, and paths whose copy failed (and has
   * not succeeded since), each with its error. Empty when DEST mirrors all of SRC.
   */
  get incomplete(): ReadonlyMap<string, TswatchError> {
    return new Map([...this.unreadable, ...this.badNames, ...this.failed]);
  }

  /** Errors counted so far (a sync pass reports the ones it added). */
  get errors(): number {
    return this.errorCount;
  }

  get unreadableCount(): number {
    return this.unreadable.size;
  }

  get badNameCount(): number {
    return this.badNames.size;
  }

  /** A job on `rel` succeeded: it is no longer missing from DEST. */
  succeeded(rel: string): void {
    this.failed.delete(rel);
    this.room.succeeded(rel);
  }

  /** SRC/rel with a name that cannot be mirrored was renamed or deleted. */
  nameGone(rel: string): void {
    this.badNames.delete(rel);
  }

  dispose(): void {
    this.room.dispose();
  }

  /** A SRC path that may not be read (or watched): said once, counted, and left out; the rest goes on. */
  skipUnreadable(rel: string, err: unknown): void {
    if (this.unreadable.has(rel)) return;
    const error = unreadableError(rel, err);
    this.unreadable.set(rel, error);
    this.errorCount++;
    this.say(error);
  }

  /** A SRC path whose name cannot be mirrored: said once, counted, and left out (DEST's own files untouched). */
  skipName(rel: string, why: NameProblem): void {
    if (this.badNames.has(rel)) return;
    const error = unmirrorableError(rel, why);
    this.badNames.set(rel, error);
    this.errorCount++;
    this.say(error);
  }

  /** A job (on `rel`, when known) failed: said with the path, counted; the backup goes on. */
  fail(err: unknown, rel?: string): void {
    if (rel !== undefined && denied(err) && (err as NodeJS.ErrnoException).syscall === 'scandir') {
      this.skipUnreadable(rel, err);
      return;
    }
    const error = backupError(err, rel, this.dest);
    // No room: retried until there is; each path is said (the first few) and counted once per outage.
    const nth = rel !== undefined && isNoRoom(err) ? this.room.add(rel) : -1;
    if (rel !== undefined) this.failed.set(rel, error);
    if (nth === 0) return;
    this.errorCount++;
    if (nth > ROOM_NAMED + 1) return;
    if (nth === ROOM_NAMED + 1)
      return void this.notice(
        `more copies fail for want of room on DEST: retried too, and named in what DEST lacks (ctl status, the end of the run)`,
      );
    // The hint (what to do about a full DEST) once per outage.
    const said = nth > 1 ? new TswatchError(error.message, { code: error.code, path: rel, cause: err }) : error;
    this.say(said);
  }
}
