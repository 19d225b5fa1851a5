import {
  type Event,
  IN_CLOSE_NOWRITE,
  IN_CLOSE_WRITE,
  IN_CREATE,
  IN_DELETE,
  IN_DELETE_SELF,
  IN_MODIFY,
  IN_MOVED_FROM,
  IN_MOVED_TO,
  IN_OPEN,
} from '../src/index.js';

/** watchdog's FileSystemEvent fields, as a Python handler would read them. */
export interface WatchdogEvent {
  event_type: 'created' | 'deleted' | 'modified' | 'moved' | 'closed' | 'closed_no_write' | 'opened';
  src_path: string;
  dest_path: string;
  is_directory: boolean;
  is_synthetic: boolean;
}

type Hook = (event: WatchdogEvent) => unknown;

/** How long an IN_MOVED_FROM waits for its IN_MOVED_TO before it counts as a delete (a move out). */
export const MOVE_OUT_MS = 500;

/**
 * Run watchdog-style hooks (`on_created`, `on_deleted`, `on_modified`, `on_moved`, `on_closed`,
 * `on_closed_no_write`, `on_opened`, and `on_any_event` before each) on tswatch events. A paired rename
 * is one `moved` (src_path → dest_path); an IN_MOVED_TO without a source (moved in from outside) is a
 * `created`; an IN_MOVED_FROM whose pair has not come within MOVE_OUT_MS (moved out of the tree) is a
 * `deleted`, as watchdog's inotify observer reports it. `onError` gets what a delayed hook throws.
 */
export function watchdogHandler(hooks: Record<string, unknown>, onError: (err: unknown) => void = () => {}): (event: Event) => unknown {
  const call = (name: string, event: WatchdogEvent): unknown => {
    const hook = hooks[name];
    return typeof hook === 'function' ? (hook as Hook).call(hooks, event) : undefined;
  };
  const dispatch = (kind: WatchdogEvent['event_type'], wd: WatchdogEvent): Promise<unknown[]> =>
    Promise.all([call('on_any_event', wd), call(`on_${kind}`, wd)]);
  const movedOut = new Map<string, NodeJS.Timeout>();
  return (event: Event) => {
    if (event.mask & IN_MOVED_FROM) {
      const gone = {
        event_type: 'deleted',
        src_path: event.pathname,
        dest_path: '',
        is_directory: event.dir,
        is_synthetic: false,
      } as const;
      const timer = setTimeout(() => {
        movedOut.delete(event.pathname);
        Promise.resolve()
          .then(() => dispatch('deleted', gone))
          .catch(onError);
      }, MOVE_OUT_MS);
      movedOut.set(event.pathname, timer);
      return undefined;
    }
    if (event.src_pathname !== undefined) {
      clearTimeout(movedOut.get(event.src_pathname));
      movedOut.delete(event.src_pathname);
    }
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
    return dispatch(kind, wd);
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
