/** watchdog's event types (`event.event_type`). */
export const EVENT_TYPE_CREATED = 'created';
export const EVENT_TYPE_DELETED = 'deleted';
export const EVENT_TYPE_MODIFIED = 'modified';
export const EVENT_TYPE_MOVED = 'moved';
export const EVENT_TYPE_CLOSED = 'closed';
export const EVENT_TYPE_CLOSED_NO_WRITE = 'closed_no_write';
export const EVENT_TYPE_OPENED = 'opened';

export type EventType =
  | typeof EVENT_TYPE_CREATED
  | typeof EVENT_TYPE_DELETED
  | typeof EVENT_TYPE_MODIFIED
  | typeof EVENT_TYPE_MOVED
  | typeof EVENT_TYPE_CLOSED
  | typeof EVENT_TYPE_CLOSED_NO_WRITE
  | typeof EVENT_TYPE_OPENED;

const py = (value: string | boolean): string => (typeof value === 'boolean' ? (value ? 'True' : 'False') : `'${value}'`);

/**
 * watchdog's FileSystemEvent: `src_path`, `dest_path` ('' unless moved), `event_type`, `is_directory`,
 * `is_synthetic` (made by tswatch from a scan or a snapshot, not reported by the kernel).
 */
export abstract class FileSystemEvent {
  abstract readonly event_type: EventType;
  abstract readonly is_directory: boolean;

  constructor(
    readonly src_path: string,
    readonly dest_path = '',
    readonly is_synthetic = false,
  ) {}

  /** What makes two events equal in watchdog (its dataclass fields). */
  get key(): readonly [EventType, string, string, boolean, boolean] {
    return [this.event_type, this.src_path, this.dest_path, this.is_directory, this.is_synthetic];
  }

  equals(other: FileSystemEvent): boolean {
    return this.key.every((v, i) => v === other.key[i]);
  }

  /** watchdog's repr: `FileCreatedEvent(src_path='/tmp/a', dest_path='', event_type='created', …)`. */
  toString(): string {
    const fields = {
      src_path: this.src_path,
      dest_path: this.dest_path,
      event_type: this.event_type,
      is_directory: this.is_directory,
      is_synthetic: this.is_synthetic,
    };
    return `${this.constructor.name}(${Object.entries(fields)
      .map(([k, v]) => `${k}=${py(v)}`)
      .join(', ')})`;
  }
}

/** Moves carry both paths (watchdog's FileSystemMovedEvent). */
export abstract class FileSystemMovedEvent extends FileSystemEvent {
  readonly event_type = EVENT_TYPE_MOVED;
  constructor(src_path: string, dest_path: string, is_synthetic = false) {
    super(src_path, dest_path, is_synthetic);
  }
}

export class FileCreatedEvent extends FileSystemEvent {
  readonly event_type = EVENT_TYPE_CREATED;
  readonly is_directory = false;
}
export class FileDeletedEvent extends FileSystemEvent {
  readonly event_type = EVENT_TYPE_DELETED;
  readonly is_directory = false;
}
export class FileModifiedEvent extends FileSystemEvent {
  readonly event_type = EVENT_TYPE_MODIFIED;
  readonly is_directory = false;
}
export class FileMovedEvent extends FileSystemMovedEvent {
  readonly is_directory = false;
}
export class FileClosedEvent extends FileSystemEvent {
  readonly event_type = EVENT_TYPE_CLOSED;
  readonly is_directory = false;
}
export class FileClosedNoWriteEvent extends FileSystemEvent {
  readonly event_type = EVENT_TYPE_CLOSED_NO_WRITE;
  readonly is_directory = false;
}
export class FileOpenedEvent extends FileSystemEvent {
  readonly event_type = EVENT_TYPE_OPENED;
  readonly is_directory = false;
}
export class DirCreatedEvent extends FileSystemEvent {
  readonly event_type = EVENT_TYPE_CREATED;
  readonly is_directory = true;
}
export class DirDeletedEvent extends FileSystemEvent {
  readonly event_type = EVENT_TYPE_DELETED;
  readonly is_directory = true;
}
export class DirModifiedEvent extends FileSystemEvent {
  readonly event_type = EVENT_TYPE_MODIFIED;
  readonly is_directory = true;
}
export class DirMovedEvent extends FileSystemMovedEvent {
  readonly is_directory = true;
}
export class DirClosedEvent extends FileSystemEvent {
  readonly event_type = EVENT_TYPE_CLOSED;
  readonly is_directory = true;
}
export class DirClosedNoWriteEvent extends FileSystemEvent {
  readonly event_type = EVENT_TYPE_CLOSED_NO_WRITE;
  readonly is_directory = true;
}
export class DirOpenedEvent extends FileSystemEvent {
  readonly event_type = EVENT_TYPE_OPENED;
  readonly is_directory = true;
}
