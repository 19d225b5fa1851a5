import { type Stats, statSync } from 'node:fs';
import { relative } from 'node:path';
import { DeadlineMap } from './deadline-map.js';
import type { EmitArgs, EventName } from './event-map.js';
import type { FSWInstanceOptions } from './options.js';
import type { WatchedPaths } from './watched-paths.js';
import { WriteFinish } from './write-finish.js';

/** The watcher as its parts see it: whether it is closed, and its listeners. */
export interface WatcherHost {
  readonly closed: boolean;
  emit(event: string, ...args: unknown[]): boolean;
  listenerCount(event: string): number;
}

/**
 * The last stage before listeners, chokidar's way: paths named as the caller gave them (relative to
 * `cwd`), an editor's unlink-then-add folded into one `change` (`atomic`), `awaitWriteFinish` holding,
 * ungated changes throttled, and `alwaysStat`.
 */
export class EventOutlet {
  private readonly throttled = new DeadlineMap<string, true>(50, () => {});
  private readonly pendingUnlinks: DeadlineMap<string, EmitArgs>;
  private readonly writeFinish: WriteFinish | undefined;

  constructor(
    private readonly watcher: WatcherHost,
    private readonly options: FSWInstanceOptions,
    private readonly paths: WatchedPaths,
    /** Changes not gated by write sessions (the poll backend's) are throttled instead, as chokidar does. */
    private readonly throttle: boolean,
    /** awaitWriteFinish holds only what comes after `ready`: the initial scan is told at once. */
    private readonly isReady: () => boolean,
    handleError: (err: unknown) => void,
  ) {
    const { atomic, awaitWriteFinish } = options;
    this.pendingUnlinks = new DeadlineMap(typeof atomic === 'number' ? atomic : 100, (_path, args) => this.deliver('unlink', args));
    if (awaitWriteFinish) {
      this.writeFinish = new WriteFinish(awaitWriteFinish, (event, path, stats) => this.deliver(event, [path, stats]), handleError);
    }
  }

  /** Tell `event` for the entry at `abs`, or hold or fold it as chokidar would. */
  emitEvent(event: EventName, abs: string, stats?: Stats): void {
    if (this.watcher.closed) return;
    const { cwd, atomic, alwaysStat } = this.options;
    const shown = this.paths.chokidarPath(abs);
    const path = cwd ? relative(cwd, shown) : shown;
    const awf = this.writeFinish;
    if (awf?.has(path)) {
      if (event !== 'unlink') {
        awf.touch(path);
        return;
      }
      if (awf.cancel(path) === 'add') return; // never announced: nothing to take back
    }
    if (atomic !== false) {
      // An unlink followed by an add of the same path soon after is an editor's save: one change.
      if (event === 'unlink') {
        this.pendingUnlinks.set(path, [path]);
        return;
      }
      if (event === 'add' && this.pendingUnlinks.delete(path)) event = 'change';
    }
    if (awf && (event === 'add' || event === 'change') && this.isReady()) {
      awf.hold(event, path, abs);
      return;
    }
    if (event === 'change' && this.throttle) {
      if (this.throttled.has(path)) return;
      this.throttled.set(path, true);
    }
    if (alwaysStat && stats === undefined && (event === 'add' || event === 'addDir' || event === 'change')) {
      try {
        stats = statSync(abs);
      } catch {
        return; // gone meanwhile: chokidar says nothing rather than give no stats
      }
    }
    this.deliver(event, stats === undefined ? [path] : [path, stats]);
  }

  private deliver(event: EventName, args: EmitArgs): void {
    if (this.watcher.closed) return;
    this.watcher.emit(event, ...args);
    this.watcher.emit('all', event, ...args);
  }

  /** Drop what is held or pending: nothing more is told after close. */
  dispose(): void {
    this.throttled.clear();
    this.pendingUnlinks.clear();
    this.writeFinish?.dispose();
  }
}
