import { DeadlineMap } from './deadline-map.js';

/** How long writes may go on without a close before they are reported anyway (chokidar's change throttle). */
const WRITE_WINDOW_MS = 50;

interface Writing {
  /** Created by this write session: its writes are part of the `add`, not a change. */
  fresh: boolean;
  dirty: boolean;
}

/**
 * One `change` per write session, as chokidar users expect, from the kernel's IN_MODIFY and
 * IN_CLOSE_WRITE: `writeFile` truncates, writes and closes (two IN_MODIFY, one close) and is one change,
 * told at the close. A writer that keeps the file open is told at most every 50 ms. A new file's first
 * session is its `add`, so it is not also a change.
 */
export class ChangeGate {
  private readonly writing: DeadlineMap<string, Writing>;

  constructor(private readonly emit: (path: string) => void) {
    this.writing = new DeadlineMap(WRITE_WINDOW_MS, (path, w) => {
      if (w.dirty) this.emit(path);
    });
  }

  created(path: string): void {
    this.writing.set(path, { fresh: true, dirty: false });
  }

  modified(path: string): void {
    const w = this.writing.get(path);
    if (w !== undefined) w.dirty = true;
    else this.writing.set(path, { fresh: false, dirty: true });
  }

  closedAfterWrite(path: string): void {
    const w = this.writing.get(path);
    if (w === undefined) return;
    this.writing.delete(path);
    if (w.dirty && !w.fresh) this.emit(path);
  }

  forget(path: string): void {
    this.writing.delete(path);
  }

  dispose(): void {
    this.writing.clear();
  }
}
