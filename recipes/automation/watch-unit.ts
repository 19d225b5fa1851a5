import { type Event, IN_IGNORED, IN_Q_OVERFLOW, inotifywaitNames, Notifier, TswatchError, WatchManager, type WatchSpec } from '../../src/index.js';
import type { Action, ActionContext, ActionStatus, Log } from './action.js';
import { Fence } from './fence.js';

/** The events an automation reacts to unless told otherwise: changes, not reads (a command that reads
 * the files it is given must not trigger itself through IN_OPEN/IN_ACCESS). */
export const CHANGE_EVENTS = ['close_write,moved_to,moved_from,delete'];

export interface UnitStatus {
  name: string;
  /** The action's recipe (exec, restart, handler, backup, …); set by the engine. */
  recipe?: string;
  paths: string[];
  /** Where events come from: inotify, parcel. */
  backend: string;
  /** Kernel watches held. */
  watches: number;
  events: number;
  errors: number;
  overflows: number;
  /** Events dropped while paused or caused by the command itself (--ignore-own). */
  ignored: number;
  paused: boolean;
  lastEvent: { time: string; path: string; event: string } | undefined;
  lastError: string | undefined;
  action: ActionStatus;
}

/** Lines of a named watch start with its name; the one watch of `tswatch exec` has none. */
function tagged(name: string, log: Log): Log {
  return name === '' ? log : (line, level) => log(`[${name}] ${line}`, level);
}

export interface UnitIO {
  log: Log;
  output: ActionContext['output'];
  /** Sees each event the watch selects, before the action does; `ignored` while paused or --ignore-own. */
  observe?: (name: string, event: Event, ignored: boolean) => void;
  /** Sends each event the watch selects to the sinks, unless the watch is paused. */
  publish?: ((event: Event) => void) | undefined;
}

/**
 * One named watch and its action: its own WatchManager (so two watches on the same directory keep their
 * own masks and handlers), counters for `ctl status`, pause/resume, and a drain that loses nothing.
 */
export class WatchUnit {
  readonly name: string;
  /** Undefined for a recipe that watches by itself (backup, alert). */
  readonly spec: WatchSpec | undefined;
  readonly action: Action;
  private readonly notifier: Notifier;
  private readonly fence: Fence;
  private readonly log: Log;
  private readonly observe: UnitIO['observe'];
  private readonly publish: UnitIO['publish'];
  private counters = { events: 0, errors: 0, overflows: 0, ignored: 0 };
  private paused = false;
  private lastEvent: UnitStatus['lastEvent'];
  private lastError: string | undefined;
  /** Resolves when every watched path is gone (deleted, unmounted): nothing more can come. */
  readonly gone: Promise<void>;
  private markGone!: () => void;

  private constructor(name: string, spec: WatchSpec | undefined, wm: WatchManager, fence: Fence, action: Action, io: UnitIO) {
    this.name = name;
    this.log = tagged(name, io.log);
    this.observe = io.observe;
    this.publish = io.publish;
    this.spec = spec;
    this.fence = fence;
    this.action = action;
    this.gone = new Promise((resolve) => (this.markGone = resolve));
    this.notifier = new Notifier(wm, (event: Event) => this.onEvent(event));
    this.notifier.on('error', (err: Error, event?: Event) => this.onError(err, event));
  }

  /** Watch, build the action, start delivering. Throws (nothing left running) if a path cannot be watched. */
  static async start(
    name: string,
    spec: WatchSpec | undefined,
    makeAction: (context: ActionContext) => Action | Promise<Action>,
    io: UnitIO,
    baseDir = process.cwd(),
  ): Promise<WatchUnit> {
    const wm = new WatchManager();
    let fence: Fence | undefined;
    try {
      fence = new Fence(wm);
      if (spec !== undefined) {
        const userExclude = spec.options.excludeFilter;
        const fenced = fence;
        const excludeFilter = (path: string): boolean => fenced.covers(path) || (typeof userExclude === 'function' ? userExclude(path) : (userExclude?.test(path) ?? false));
        wm.addWatch(spec.paths, spec.mask, { ...spec.options, excludeFilter, quiet: false });
      }
      const action = await makeAction({ name, baseDir, log: tagged(name, io.log), output: io.output, fence });
      const unit = new WatchUnit(name, spec, wm, fence, action, io);
      unit.notifier.start();
      await unit.notifier.ready();
      return unit;
    } catch (err) {
      fence?.close();
      wm.close();
      throw err instanceof TswatchError ? new TswatchError(name ? `watch '${name}': ${err.message}` : err.message, { code: err.code, hint: err.hint, path: err.path, cause: err }) : err;
    }
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  /**
   * Stop gracefully: deliver every event the kernel queued before now, let the action finish what they
   * triggered (up to `timeoutMs`), then stop it and release the watches. False if the timeout ran out.
   */
  async stop(timeoutMs: number, signal?: NodeJS.Signals): Promise<boolean> {
    const start = Date.now();
    let drained = true;
    if (this.notifier.running && timeoutMs > 0) {
      await Promise.race([this.fence.mark(), new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
      drained = await this.action.drain(Math.max(0, timeoutMs - (Date.now() - start)));
    }
    this.notifier.stop();
    this.fence.close();
    await this.action.close(signal);
    return drained;
  }

  /** Resolves once every event queued before the call has been handed to the action. */
  settle(): Promise<void> {
    return this.fence.mark();
  }

  status(): UnitStatus {
    return {
      name: this.name,
      paths: this.spec?.paths ?? [],
      backend: this.notifier.watchManager.backend.name,
      watches: Math.max(0, this.notifier.watchManager.size - 1), // the fence is ours, not the user's
      ...this.counters,
      paused: this.paused,
      lastEvent: this.lastEvent,
      lastError: this.lastError,
      action: this.action.status(),
    };
  }

  private onEvent(event: Event): void {
    if (event.mask & IN_IGNORED) {
      if (this.status().watches === 0) this.markGone();
      return;
    }
    if (event.mask & IN_Q_OVERFLOW) {
      this.counters.overflows++;
      this.log(`the kernel event queue overflowed; rescanning (missed creates and deletes follow)`);
      return;
    }
    if (this.spec?.accepts(event) === false || this.fence.covers(event.pathname)) return;
    const ignored = this.paused || (this.action.ignoring?.() ?? false);
    this.observe?.(this.name, event, ignored);
    // A paused watch sends nothing; the command's own writes (ignoreOwn) are real changes and are sent.
    if (!this.paused) this.publish?.(event);
    if (ignored) {
      this.counters.ignored++;
      return;
    }
    this.counters.events++;
    this.lastEvent = { time: new Date().toISOString(), path: event.pathname, event: inotifywaitNames(event.mask) };
    this.action.handler(event);
  }

  private onError(err: Error, event?: Event): void {
    this.counters.errors++;
    this.lastError = err instanceof TswatchError ? err.describe() : err.message;
    this.log(`${event ? `error handling ${event.pathname}: ` : ''}${this.lastError}`);
  }
}
