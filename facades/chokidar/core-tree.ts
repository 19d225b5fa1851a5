import {
  type Event,
  IN_ATTRIB,
  IN_CLOSE_WRITE,
  IN_CREATE,
  IN_DELETE,
  IN_DELETE_SELF,
  IN_MODIFY,
  IN_MOVE_SELF,
  IN_MOVED_FROM,
  IN_MOVED_TO,
  Notifier,
  WatchManager,
} from '../../src/index.js';

/** What the facade asks every core for: entries appearing, going, changing; the watched path's own end. */
export const WATCH_MASK =
  IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF;

export interface CoreTreeOptions {
  polling: boolean;
  interval: number;
}

/**
 * One tswatch core (a WatchManager and its Notifier: one inotify fd, or the poll backend) feeding the
 * facade. A watcher has one for everything it reaches by real paths, and one per followed symlink, so
 * a link into the tree it sits in gets watches of its own under the link's name.
 */
export class CoreTree {
  readonly wm: WatchManager;
  readonly notifier: Notifier;

  constructor(options: CoreTreeOptions, onEvent: (tree: CoreTree, event: Event) => void, onError: (err: Error) => void) {
    this.wm = new WatchManager(options.polling ? { backend: 'poll', pollInterval: options.interval } : { backend: 'inotify' });
    this.notifier = new Notifier(this.wm, (event: Event) => onEvent(this, event));
    this.notifier.on('error', onError);
    this.notifier.start();
  }

  get supportedMask(): number {
    return this.wm.backend.supportedMask;
  }

  ready(): Promise<void> {
    return this.notifier.ready();
  }

  close(): void {
    this.notifier.stop();
  }
}
