import { lstat } from 'node:fs/promises';
import { relative } from 'node:path';
import {
  type Event,
  IN_ATTRIB,
  IN_CLOSE_WRITE,
  IN_CREATE,
  IN_DELETE,
  IN_DELETE_SELF,
  IN_IGNORED,
  IN_MOVE_SELF,
  IN_MOVED_FROM,
  IN_MOVED_TO,
  IN_Q_OVERFLOW,
  TswatchError,
} from '../../src/index.js';
import type { CopyQueue, Job } from './copy-queue.js';
import type { Mirror } from './mirror.js';
import { type NameProblem, unmirrorable } from './unmirrorable-name.js';
import { removeMirrored, verifyTree } from './tree-repair.js';

/** How long a rename's first half waits for its second before it counts as a move out of SRC. */
const MOVE_OUT_MS = 500;

interface PendingMove {
  job: Job & { paths: string[] };
  to: string | undefined;
  timer: NodeJS.Timeout;
}

export interface EventJobsOptions {
  src: string;
  mirror: Mirror;
  queue: CopyQueue;
  isExcluded: (rel: string, isDir: boolean) => boolean;
  /** Compare the whole trees again (after an overflow). */
  resync: () => Promise<void>;
  /** A delete reached DEST. */
  deleted: () => void;
  fail: (err: unknown) => void;
  stop: () => void;
  /** SRC/rel appeared with a name that cannot be mirrored (said once, never copied). */
  refuse: (rel: string, why: NameProblem) => void;
  /** SRC/rel is gone or renamed (a refused name that was, no longer stands in the way). */
  gone: (rel: string) => void;
}

/**
 * The backup's event path: each event becomes a job on the CopyQueue, in event order; nothing here
 * touches DEST or waits on the disk, so the watcher never blocks.
 */
export class EventJobs {
  private readonly moves = new Map<number, PendingMove>();
  /** Directories created, moved in or renamed live: checked whole once the queue drains. */
  private readonly changedDirs = new Set<string>();

  constructor(private readonly o: EventJobsOptions) {}

  /** Forget renames still waiting for their second half (on stop). */
  dispose(): void {
    for (const move of this.moves.values()) clearTimeout(move.timer);
    this.moves.clear();
  }

  onEvent(event: Event): void {
    const { mask } = event;
    if (mask & IN_Q_OVERFLOW) {
      // The kernel dropped events: what changed is only known by comparing the trees again.
      this.push({ paths: [''], structural: true, run: this.o.resync });
      return;
    }
    if (mask & IN_IGNORED) return;
    // While a renamed directory's destination is unknown, the core files its watches under a path with
    // a NUL in it: events from there have no real path. Its fate arrives as a move-out and a
    // create (or scan) of wherever it went.
    if (event.pathname.includes('\0')) return;
    const rel = relative(this.o.src, event.pathname);
    if (rel.startsWith('..')) return;
    if (mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
      if (rel === '') {
        const hint = 'nothing more to back up; DEST keeps its copy';
        this.o.fail(
          new TswatchError(`backup source '${this.o.src}' was deleted or moved away`, { code: 'ENOENT', path: this.o.src, hint }),
        );
        this.o.stop();
      }
      return; // a subdirectory: its parent's IN_DELETE / IN_MOVED_FROM says it all
    }
    if (mask & (IN_MOVED_FROM | IN_DELETE)) this.o.gone(rel);
    if (mask & IN_MOVED_FROM) {
      this.moveFrom(rel, event.cookie, event.dir);
      return;
    }
    if (mask & IN_MOVED_TO) {
      this.moveTo(rel, event);
      return;
    }
    if (this.o.isExcluded(rel, event.dir)) return;
    // Never copied, never deleted in DEST: DEST/.tswatch-manifest is tswatch's journal, whatever SRC holds.
    const bad = unmirrorable(rel);
    if (bad !== undefined) return void (mask & IN_DELETE || this.o.refuse(bad.rel, bad.why));
    if (mask & IN_CREATE) {
      // A new file is copied at its IN_CLOSE_WRITE, never half-written. Directories, symlinks, hard
      // links and files found by a scan (synthetic) have no close to wait for. A new directory is
      // copied whole: when one is deleted and re-created faster than the core reads, the core's scan
      // of the first creation already saw what the second holds, and reports nothing again.
      if (event.dir && !event.synthetic) {
        this.changedDirs.add(rel);
        this.push({ paths: [rel], structural: true, run: () => this.o.mirror.syncTree(rel) });
      } else if (event.dir || event.synthetic) {
        this.push({ paths: [rel], coalesceKey: `sync:${rel}`, run: () => this.sync(rel) });
      } else {
        this.push({ paths: [rel], run: () => this.created(rel) });
      }
    } else if (mask & IN_CLOSE_WRITE) {
      this.push({ paths: [rel], coalesceKey: `copy:${rel}`, run: () => this.sync(rel, true) });
    } else if (mask & IN_ATTRIB) {
      this.push({ paths: [rel], coalesceKey: `attrs:${rel}`, run: () => this.o.mirror.attrs(rel) });
    } else if (mask & IN_DELETE) {
      this.push({ paths: [rel], structural: true, run: () => this.remove(rel) });
    }
  }

  /** First half of a rename: hold the path's place in the queue until the second half (or a timeout) says where it went. */
  private moveFrom(rel: string, cookie: number, isDir: boolean): void {
    const move: PendingMove = {
      to: undefined,
      timer: setTimeout(() => {
        this.moves.delete(cookie);
        move.job.ready = true;
        this.o.queue.pump();
      }, MOVE_OUT_MS),
      job: {
        paths: [rel],
        ready: false,
        structural: true,
        run: async () => {
          const to = move.to;
          const fromKept = !this.excluded(rel, isDir);
          if (to === undefined || this.excluded(to, isDir)) {
            if (fromKept) await this.remove(rel); // moved out of SRC (or out of view): a delete
          } else if (fromKept) {
            await this.o.mirror.rename(rel, to);
          } else {
            await this.o.mirror.syncTree(to); // moved in from an excluded path: copy
          }
        },
      },
    };
    this.moves.set(cookie, move);
    this.push(move.job);
  }

  private moveTo(rel: string, event: Event): void {
    const move = event.src_pathname === undefined || event.src_pathname.includes('\0') ? undefined : this.moves.get(event.cookie);
    if (event.dir) this.changedDirs.add(rel);
    if (!this.o.isExcluded(rel, event.dir)) this.refused(rel);
    if (move !== undefined) {
      clearTimeout(move.timer);
      this.moves.delete(event.cookie);
      move.to = rel;
      move.job.paths.push(rel);
      move.job.ready = true;
      this.o.queue.pump();
      return;
    }
    if (this.excluded(rel, event.dir)) return;
    // Moved in from outside (or a rename whose first half we no longer hold): copy it, a directory whole.
    if (event.dir) this.push({ paths: [rel], structural: true, run: () => this.o.mirror.syncTree(rel) });
    else this.push({ paths: [rel], coalesceKey: `sync:${rel}`, run: () => this.sync(rel) });
  }

  /**
   * The queue drained after a burst that changed directories' shape: compare those subtrees with SRC.
   * When names are renamed and re-created faster than events are read, the watcher may have scanned
   * one directory under another's name; this is where DEST catches up, without waiting for a restart.
   */
  verifyChanged(): void {
    if (this.changedDirs.size === 0) return;
    const dirs = [...this.changedDirs].sort();
    this.changedDirs.clear();
    const roots = dirs.filter((rel) => !dirs.some((other) => other !== rel && rel.startsWith(`${other}/`)));
    for (const rel of roots) this.push({ paths: [rel], structural: true, run: () => verifyTree(this.o.mirror, rel) });
  }

  /** Left alone: excluded by the user, or a name that cannot be mirrored. */
  private excluded(rel: string, isDir: boolean): boolean {
    return this.o.isExcluded(rel, isDir) || unmirrorable(rel) !== undefined;
  }

  /** True (and said, for a path that appears) when SRC/rel's name cannot be mirrored. */
  private refused(rel: string): boolean {
    const bad = unmirrorable(rel);
    if (bad !== undefined) this.o.refuse(bad.rel, bad.why);
    return bad !== undefined;
  }

  private async created(rel: string): Promise<void> {
    const st = await lstat(this.o.mirror.srcPath(rel)).catch(() => undefined);
    if (st !== undefined && (st.isSymbolicLink() || (st.isFile() && st.nlink > 1))) await this.sync(rel);
  }

  private async sync(rel: string, force = false): Promise<void> {
    await this.o.mirror.syncEntry(rel, force);
  }

  private async remove(rel: string): Promise<void> {
    // What tswatch mirrored goes; files the user put into DEST themselves stay (as a restart keeps them).
    if (await removeMirrored(this.o.mirror, rel)) this.o.deleted();
  }

  private push(job: Job): void {
    void this.o.queue.push(job);
  }
}
