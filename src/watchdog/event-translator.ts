import { type Dirent, readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Event } from '../event.js';
import {
  IN_ATTRIB,
  IN_CLOSE_NOWRITE,
  IN_CLOSE_WRITE,
  IN_CREATE,
  IN_DELETE,
  IN_DELETE_SELF,
  IN_MODIFY,
  IN_MOVED_FROM,
  IN_MOVED_TO,
  IN_OPEN,
} from '../masks.js';
import {
  DirCreatedEvent,
  DirDeletedEvent,
  DirModifiedEvent,
  DirMovedEvent,
  FileClosedEvent,
  FileClosedNoWriteEvent,
  FileCreatedEvent,
  FileDeletedEvent,
  FileModifiedEvent,
  FileMovedEvent,
  FileOpenedEvent,
  type FileSystemEvent,
} from './events.js';

/** How long a move out waits for its other half before it counts as a delete (as the core pairs). */
export const MOVE_WAIT_MS = 250;

/**
 * Turns the core's events (moves already paired, new trees already reported once) into watchdog's, by
 * watchdog's rules: a move out of the tree is a delete, a move in a create; a create, delete or move
 * also modifies its parent directory; a moved directory's contents move with it (synthetic events).
 */
export class EventTranslator {
  private readonly pending = new Map<number, { event: Event; timer: NodeJS.Timeout }>();

  constructor(
    private readonly root: string,
    private readonly recursive: boolean,
    private readonly emit: (event: FileSystemEvent) => void,
  ) {}

  translate(event: Event): void {
    const { mask, pathname, dir, synthetic } = event;
    const parentModified = () => {
      if (!synthetic && pathname !== this.root) this.emit(new DirModifiedEvent(dirname(pathname)));
    };
    if (mask & IN_MOVED_FROM) {
      const timer = setTimeout(() => this.flush(event.cookie), MOVE_WAIT_MS);
      this.pending.set(event.cookie, { event, timer });
    } else if (mask & IN_MOVED_TO) {
      const from = this.pending.get(event.cookie);
      if (from !== undefined && event.src_pathname !== undefined) {
        clearTimeout(from.timer);
        this.pending.delete(event.cookie);
        this.moved(event.src_pathname, pathname, dir, synthetic);
      } else {
        if (from !== undefined) this.flush(event.cookie);
        this.emit(dir ? new DirCreatedEvent(pathname, '', synthetic) : new FileCreatedEvent(pathname, '', synthetic));
        parentModified();
      }
    } else if (mask & IN_CREATE) {
      this.emit(dir ? new DirCreatedEvent(pathname, '', synthetic) : new FileCreatedEvent(pathname, '', synthetic));
      parentModified();
    } else if (mask & IN_DELETE) {
      this.emit(dir ? new DirDeletedEvent(pathname, '', synthetic) : new FileDeletedEvent(pathname, '', synthetic));
      parentModified();
    } else if (mask & IN_DELETE_SELF) {
      // Only the watched root's own end: a subdirectory's is told by its parent's IN_DELETE.
      if (pathname === this.root) this.emit(dir ? new DirDeletedEvent(pathname) : new FileDeletedEvent(pathname));
    } else if (mask & (IN_MODIFY | IN_ATTRIB)) {
      this.emit(dir ? new DirModifiedEvent(pathname, '', synthetic) : new FileModifiedEvent(pathname, '', synthetic));
    } else if (dir) {
      // watchdog reports opens and closes of files only: listing a directory is not news.
    } else if (mask & IN_CLOSE_WRITE) {
      this.emit(new FileClosedEvent(pathname, '', synthetic));
    } else if (mask & IN_CLOSE_NOWRITE) {
      this.emit(new FileClosedNoWriteEvent(pathname, '', synthetic));
    } else if (mask & IN_OPEN) {
      this.emit(new FileOpenedEvent(pathname, '', synthetic));
    }
  }

  /** Forget moves still waiting (the observer stops). */
  dispose(): void {
    for (const { timer } of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }

  private moved(src: string, dest: string, dir: boolean, synthetic: boolean): void {
    this.emit(dir ? new DirMovedEvent(src, dest, synthetic) : new FileMovedEvent(src, dest, synthetic));
    if (!synthetic) {
      this.emit(new DirModifiedEvent(dirname(src)));
      if (dirname(dest) !== dirname(src)) this.emit(new DirModifiedEvent(dirname(dest)));
    }
    if (dir && this.recursive) this.subMoved(src, dest);
  }

  /** watchdog's generate_sub_moved_events: everything inside a moved directory moved too. */
  private subMoved(src: string, dest: string): void {
    let entries: Dirent[];
    try {
      entries = readdirSync(dest, { withFileTypes: true });
    } catch {
      return; // gone again already
    }
    for (const entry of entries) {
      const from = `${src}/${entry.name}`;
      const to = `${dest}/${entry.name}`;
      this.emit(entry.isDirectory() ? new DirMovedEvent(from, to, true) : new FileMovedEvent(from, to, true));
      if (entry.isDirectory()) this.subMoved(from, to);
    }
  }

  /** A move out whose other half never came: the entry left the tree, a delete. */
  private flush(cookie: number): void {
    const move = this.pending.get(cookie);
    if (move === undefined) return;
    this.pending.delete(cookie);
    clearTimeout(move.timer);
    const { pathname, dir, synthetic } = move.event;
    this.emit(dir ? new DirDeletedEvent(pathname, '', synthetic) : new FileDeletedEvent(pathname, '', synthetic));
    if (!synthetic) this.emit(new DirModifiedEvent(dirname(pathname)));
  }
}
