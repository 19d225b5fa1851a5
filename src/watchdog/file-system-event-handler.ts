import type { FileSystemEvent } from './events.js';

const HOOKS = {
  created: 'on_created',
  deleted: 'on_deleted',
  modified: 'on_modified',
  moved: 'on_moved',
  closed: 'on_closed',
  closed_no_write: 'on_closed_no_write',
  opened: 'on_opened',
} as const;

/** Settles when both calls do, if either returned a promise (async hooks are allowed). */
function both(a: unknown, b: unknown): unknown {
  const thenable = (v: unknown) => v !== null && typeof v === 'object' && typeof (v as PromiseLike<unknown>).then === 'function';
  return thenable(a) || thenable(b) ? Promise.all([a, b]) : b;
}

/**
 * watchdog's FileSystemEventHandler: `dispatch` calls `on_any_event`, then the hook for the event's
 * type. Subclass and override the hooks (write `override`: a misspelt hook then fails to compile).
 */
export class FileSystemEventHandler {
  dispatch(event: FileSystemEvent): unknown {
    return both(this.on_any_event(event), this[HOOKS[event.event_type]](event));
  }

  on_any_event(_event: FileSystemEvent): unknown {
    return undefined;
  }
  on_created(_event: FileSystemEvent): unknown {
    return undefined;
  }
  on_deleted(_event: FileSystemEvent): unknown {
    return undefined;
  }
  on_modified(_event: FileSystemEvent): unknown {
    return undefined;
  }
  on_moved(_event: FileSystemEvent): unknown {
    return undefined;
  }
  on_closed(_event: FileSystemEvent): unknown {
    return undefined;
  }
  on_closed_no_write(_event: FileSystemEvent): unknown {
    return undefined;
  }
  on_opened(_event: FileSystemEvent): unknown {
    return undefined;
  }
}
