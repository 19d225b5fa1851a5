import { type Event, IN_CLOSE_NOWRITE, IN_CLOSE_WRITE, IN_CREATE, IN_DELETE, IN_DELETE_SELF, IN_MODIFY, IN_MOVED_TO, IN_OPEN } from '../src/index.js';

/** watchdog's FileSystemEvent fields, as a Python handler would read them. */
export interface WatchdogEvent {
  event_type: 'created' | 'deleted' | 'modified' | 'moved' | 'closed' | 'closed_no_write' | 'opened';
  src_path: string;
  dest_path: string;
  is_directory: boolean;
  is_synthetic: boolean;
}

type Hook = (event: WatchdogEvent) => unknown;

/**
 * Run watchdog-style hooks (`on_created`, `on_deleted`, `on_modified`, `on_moved`, `on_closed`,
 * `on_closed_no_write`, `on_opened`, and `on_any_event` before each) on tswatch events. A paired rename
 * is one `moved` (src_path → dest_path); an IN_MOVED_TO without a source (moved in from outside) is a
 * `created`. IN_MOVED_FROM itself calls nothing: its pair says it, and a move out of the tree is not
 * reported (watchdog on inotify reports it as deleted after a delay).
 */
export function watchdogHandler(hooks: Record<string, unknown>): (event: Event) => unknown {
  const call = (name: string, event: WatchdogEvent): unknown => {
    const hook = hooks[name];
    return typeof hook === 'function' ? (hook as Hook).call(hooks, event) : undefined;
  };
  return (event: Event) => {
    const kind = watchdogKind(event);
    if (kind === undefined) return undefined;
    const moved = kind === 'moved';
    const wd: WatchdogEvent = {
      event_type: kind,
      src_path: moved ? event.src_pathname! : event.pathname,
      dest_path: moved ? event.pathname : '',
      is_directory: event.dir,
      is_synthetic: event.synthetic,
    };
    const any = call('on_any_event', wd);
    const own = call(`on_${kind}`, wd);
    return Promise.all([any, own]);
  };
}

function watchdogKind(event: Event): WatchdogEvent['event_type'] | undefined {
  const m = event.mask;
  if (m & IN_MOVED_TO) return event.src_pathname === undefined ? 'created' : 'moved';
  if (m & IN_CREATE) return 'created';
  if (m & (IN_DELETE | IN_DELETE_SELF)) return 'deleted';
  if (m & IN_MODIFY) return 'modified';
  if (m & IN_CLOSE_WRITE) return 'closed';
  if (m & IN_CLOSE_NOWRITE) return 'closed_no_write';
  if (m & IN_OPEN) return 'opened';
  return undefined;
}
