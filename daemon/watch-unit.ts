import { type Event, inotifywaitNames, TswatchError, type WatchSpec } from '../src/index.js';
import type { Action, ActionContext, ActionStatus, Log } from './action.js';
import type { UnitSource } from './unit-source.js';

export { CHANGE_EVENTS } from './change-events.js';

export interface UnitStatus {
  name: string;
  /** The action's recipe (exec, restart, handler, backup, …); set by the engine. */
  recipe?: string;
  paths: string[];
  /** Where events come from: inotify, parcel; nats, redis, mqtt for a fleet stream. */
  backend: string;
  /** The fleet stream followed (its URL, no password); absent for local paths. */
  stream?: string;
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
  /** 'failed': the watch could not start (nothing runs), or a reload could not replace it (its previous definition runs on). */
  state?: 'failed';
  /** Why it failed. */
  error?: string;
}

/** What a stopped unit leaves: whether its work finished in time, and the events still queued (not run). */
export interface StopResult {
  drained: boolean;
  queued: Event[];
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
 * One named watch and its action: its event source (local paths, or a fleet stream), counters for
 * `ctl status`, pause/resume, and a drain that loses nothing.
 */
export class WatchUnit {
  readonly name: string;
  /** Paths, events and filters; undefined for a recipe that watches by itself (backup, alert). */
  readonly spec: WatchSpec | undefined;
  readonly action: Action;
  readonly source: UnitSource;
  private readonly log: Log;
  private readonly observe: UnitIO['observe'];
  private readonly publish: UnitIO['publish'];
  private counters = { events: 0, errors: 0, overflows: 0, ignored: 0 };
  private paused = false;
  /** stop() has begun: what the action finishes from now on is the drain's. */
  stopped = false;
  private lastEvent: UnitStatus['lastEvent'];
  private lastError: string | undefined;
  /** Events held until the unit is live (it replaces one still draining what came before the cut). */
  private pending: Event[] | undefined = [];
  /** Resolves when every watched path is gone (deleted, unmounted): nothing more can come. */
  readonly gone: Promise<void>;
  private markGone!: () => void;

  private constructor(name: string, spec: WatchSpec | undefined, source: UnitSource, action: Action, io: UnitIO) {
    this.name = name;
    this.log = tagged(name, io.log);
    this.observe = io.observe;
    this.publish = io.publish;
    this.spec = spec;
    this.source = source;
    this.action = action;
    this.gone = new Promise((resolve) => (this.markGone = resolve));
  }

  /**
   * Build the action, start the source delivering to it. Throws (nothing left running) if the source
   * cannot start (a path that cannot be watched, a broker that does not answer): the source is closed.
   * `source` is given the source of the unit this one replaces, if any. `handOver` runs once this
   * unit holds the events (the one it replaces stops then) and returns events to run before them.
   */
  static async start(
    name: string,
    spec: WatchSpec | undefined,
    source: (replacing?: UnitSource) => UnitSource,
    makeAction: (context: ActionContext) => Action | Promise<Action>,
    io: UnitIO,
    baseDir = process.cwd(),
    replacing?: { unit?: WatchUnit | undefined; handOver: () => Promise<Event[]> },
  ): Promise<WatchUnit> {
    let made: UnitSource | undefined;
    let action: Action | undefined;
    let unit: WatchUnit;
    try {
      made = source(replacing?.unit?.source);
      action = await makeAction({ name, baseDir, log: tagged(name, io.log), output: io.output, fence: made.fence });
      const built = new WatchUnit(name, spec, made, action, io);
      await made.start({
        event: (event) => built.onEvent(event),
        error: (err, event) => built.onError(err, event),
        overflow: () => built.onOverflow(),
        gone: () => built.markGone(),
      });
      unit = built;
    } catch (err) {
      made?.close();
      await action?.close();
      throw err instanceof TswatchError
        ? new TswatchError(name ? `watch '${name}': ${err.message}` : err.message, {
            code: err.code,
            hint: err.hint,
            path: err.path,
            cause: err,
          })
        : err;
    }
    unit.live(replacing ? await replacing.handOver() : []);
    return unit;
  }

  /** Start the action (the unit replaced has stopped: a server's port is free) and run what waited: `first`, then the held events. */
  private live(first: Event[]): void {
    this.action.start?.();
    const held = [...first, ...this.pending!];
    this.pending = undefined;
    for (const event of held) this.run(event);
  }

  private run(event: Event): void {
    try {
      this.action.handler(event);
    } catch (err) {
      this.onError(err as Error, event);
    }
  }

  /**
   * Ignore events until resume(), and pause the action's own work (a recipe's watcher). A recipe that
   * watches by itself and cannot pause is refused: answering "paused" while it goes on would be a lie.
   */
  async pause(): Promise<void> {
    if (this.paused) return;
    if (this.spec === undefined && this.action.pause === undefined) {
      throw new TswatchError(`watch '${this.name}' cannot be paused: its recipe watches by itself and has no pause`, {
        code: 'ENOTSUP',
        hint: 'to stop it, remove it from the config file and run tswatch ctl reload',
      });
    }
    await this.action.pause?.();
    this.paused = true;
  }

  /** Take events again; the action catches up with what changed while paused (a backup resyncs). */
  async resume(): Promise<void> {
    if (!this.paused) return;
    await this.action.resume?.();
    this.paused = false;
  }

  /**
   * Stop gracefully: deliver every event the source has on its way (what the kernel queued before now;
   * what a stream handed over), let the action finish what they triggered (up to `timeoutMs`), then
   * stop it and release the source. Returns whether it finished in time, and the events still queued
   * then (not run: the caller keeps or drops them, and says so).
   */
  async stop(timeoutMs: number, signal?: NodeJS.Signals): Promise<StopResult> {
    const start = Date.now();
    this.stopped = true;
    let drained = true;
    if (this.source.running && timeoutMs > 0) {
      await this.source.drain(timeoutMs);
      drained = await this.action.drain(Math.max(0, timeoutMs - (Date.now() - start)));
    }
    const queued = [...(this.pending ?? []), ...(this.action.takeQueued?.() ?? [])];
    this.pending = undefined;
    this.source.close();
    await this.action.close(signal);
    return { drained, queued };
  }

  status(): UnitStatus {
    // A recipe that watches by itself (backup, alert) holds the paths, watches and events: show those.
    const own = this.spec === undefined ? this.action.watching?.() : undefined;
    return {
      name: this.name,
      paths: this.spec?.paths ?? own?.paths ?? [],
      ...this.source.status(),
      ...this.counters,
      ...(own && { watches: own.watches, events: own.events }),
      paused: this.paused,
      lastEvent: this.lastEvent,
      lastError: this.lastError,
      action: this.action.status(),
    };
  }

  private onOverflow(): void {
    this.counters.overflows++;
    this.log(`the kernel event queue overflowed; rescanning (missed creates and deletes follow)`);
  }

  /** An event the source selected. */
  private onEvent(event: Event): void {
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
    if (this.pending) this.pending.push(event);
    else this.action.handler(event);
  }

  private onError(err: Error, event?: Event): void {
    this.counters.errors++;
    this.lastError = err instanceof TswatchError ? err.describe() : err.message;
    this.log(`${event ? `error handling ${event.pathname}: ` : ''}${this.lastError}`);
  }
}
