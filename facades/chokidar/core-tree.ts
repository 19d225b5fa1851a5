import { type Event, Notifier, WatchManager } from '../../src/index.js';

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
