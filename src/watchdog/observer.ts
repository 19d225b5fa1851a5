import { EventEmitter } from 'node:events';
import { resolve } from 'node:path';
import type { Backend } from '../backends/backend.js';
import type { BackendName } from '../backends/select.js';
import { TswatchError } from '../errors.js';
import {
  IN_ATTRIB,
  IN_CLOSE_NOWRITE,
  IN_CLOSE_WRITE,
  IN_CREATE,
  IN_DELETE,
  IN_DELETE_SELF,
  IN_MODIFY,
  IN_MOVE_SELF,
  IN_MOVED_FROM,
  IN_MOVED_TO,
  IN_OPEN,
} from '../masks.js';
import { Notifier } from '../notifier.js';
import { WatchManager } from '../watch-manager.js';
import { EventTranslator } from './event-translator.js';
import type { FileSystemEvent } from './events.js';

/** Anything with watchdog's `dispatch(event)`: a FileSystemEventHandler or a plain object. */
export interface EventHandler {
  dispatch(event: FileSystemEvent): unknown;
}

/** Everything watchdog's inotify emitter listens for. */
const WATCHDOG_MASK =
  IN_CREATE |
  IN_DELETE |
  IN_MODIFY |
  IN_ATTRIB |
  IN_MOVED_FROM |
  IN_MOVED_TO |
  IN_DELETE_SELF |
  IN_MOVE_SELF |
  IN_CLOSE_WRITE |
  IN_CLOSE_NOWRITE |
  IN_OPEN;

/** watchdog's ObservedWatch: what `schedule` returns and `unschedule` takes. */
export class ObservedWatch {
  constructor(
    readonly path: string,
    readonly is_recursive: boolean,
  ) {}

  get key(): string {
    return `${this.path}\u0000${this.is_recursive}`;
  }
}

export interface ObserverOptions {
  /** The backend for each scheduled path, by name ('inotify', 'fanotify', 'parcel', 'poll', 'auto') or as a factory. */
  backend?: BackendName | (() => Backend);
  /** Milliseconds between polls (poll backend). */
  pollInterval?: number;
  /** watchdog's `timeout`, seconds: for a PollingObserver, the polling interval. */
  timeout?: number;
  /** Report a file's modification once it stopped changing (see the Notifier's `settle`). */
  settle?: number;
  /** An editor's write-temp-then-rename is one modification of the real file (Notifier's `atomicSave`). */
  atomicSave?: boolean;
}

interface Emitter {
  watch: ObservedWatch;
  notifier: Notifier;
  translator: EventTranslator;
  handlers: Set<EventHandler>;
}

/**
 * watchdog's Observer on tswatch's core: each scheduled path gets its own watch manager (one inotify
 * fd, as watchdog's emitters), so exactly-once creates and paired moves hold. Handlers run on the
 * event loop, in order; one that throws emits `error` (err, event) and delivery goes on.
 */
export class Observer extends EventEmitter {
  private readonly emitters = new Map<string, Emitter>();
  private state: 'idle' | 'running' | 'stopped' = 'idle';
  private readonly stopped: Promise<void>;
  private resolveStopped!: () => void;

  constructor(private readonly options: ObserverOptions = {}) {
    super();
    this.stopped = new Promise((done) => (this.resolveStopped = done));
  }

  /** Watch `path` (with `recursive`, the tree below it) and send its events to `handler`. */
  schedule(handler: EventHandler, path: string, options: { recursive?: boolean } = {}): ObservedWatch {
    if (this.state === 'stopped')
      throw new TswatchError('schedule() on a stopped observer', { code: 'ESTOPPED', hint: 'create a new Observer' });
    const watch = new ObservedWatch(resolve(path), options.recursive ?? false);
    const known = this.emitters.get(watch.key);
    if (known !== undefined) {
      known.handlers.add(handler);
      return known.watch;
    }
    const wm = new WatchManager({ backend: this.backend(), pollInterval: this.pollInterval() });
    const mask = WATCHDOG_MASK & wm.backend.supportedMask;
    try {
      wm.addWatch(watch.path, mask, { rec: watch.is_recursive, autoAdd: watch.is_recursive, quiet: false });
    } catch (err) {
      wm.close();
      throw err;
    }
    const emitter: Emitter = { watch, handlers: new Set([handler]), notifier: undefined!, translator: undefined! };
    emitter.translator = new EventTranslator(watch.path, watch.is_recursive, (event) => this.dispatch(emitter, event));
    const { settle, atomicSave } = this.options;
    emitter.notifier = new Notifier(wm, (event) => emitter.translator.translate(event), { settle, atomicSave });
    emitter.notifier.on('error', (err: Error) => this.fail(err));
    this.emitters.set(watch.key, emitter);
    if (this.state === 'running') emitter.notifier.start();
    return watch;
  }

  add_handler_for_watch(handler: EventHandler, watch: ObservedWatch): void {
    this.emitters.get(watch.key)?.handlers.add(handler);
  }

  remove_handler_for_watch(handler: EventHandler, watch: ObservedWatch): void {
    this.emitters.get(watch.key)?.handlers.delete(handler);
  }

  /** Stop watching what `schedule` returned `watch` for. */
  unschedule(watch: ObservedWatch): void {
    const emitter = this.emitters.get(watch.key);
    if (emitter === undefined) return;
    this.emitters.delete(watch.key);
    emitter.translator.dispose();
    emitter.notifier.stop();
  }

  unschedule_all(): void {
    for (const emitter of [...this.emitters.values()]) this.unschedule(emitter.watch);
  }

  /** The watches scheduled now. */
  get watches(): ObservedWatch[] {
    return [...this.emitters.values()].map((e) => e.watch);
  }

  start(): void {
    if (this.state !== 'idle') return;
    this.state = 'running';
    for (const emitter of this.emitters.values()) emitter.notifier.start();
  }

  /** Resolves once every scheduled path delivers events (polling backends need a first scan). */
  async ready(): Promise<void> {
    await Promise.all([...this.emitters.values()].map((e) => e.notifier.ready()));
  }

  stop(): void {
    if (this.state === 'stopped') return;
    this.unschedule_all();
    this.state = 'stopped';
    this.resolveStopped();
  }

  /** Resolves when the observer has stopped (watchdog's join). */
  join(): Promise<void> {
    return this.stopped;
  }

  is_alive(): boolean {
    return this.state === 'running';
  }

  protected backend(): BackendName | Backend | undefined {
    const choice = this.options.backend;
    return typeof choice === 'function' ? choice() : choice;
  }

  protected pollInterval(): number | undefined {
    return this.options.pollInterval ?? (this.options.timeout === undefined ? undefined : this.options.timeout * 1000);
  }

  private dispatch(emitter: Emitter, event: FileSystemEvent): void {
    for (const handler of emitter.handlers) {
      try {
        const result = handler.dispatch(event);
        if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
          (result as PromiseLike<unknown>).then(undefined, (err: unknown) => this.fail(err, event));
        }
      } catch (err) {
        this.fail(err, event);
      }
    }
  }

  private fail(err: unknown, event?: FileSystemEvent): void {
    const error = err instanceof Error ? err : new Error(String(err));
    if (this.listenerCount('error') > 0) this.emit('error', error, event);
    else process.stderr.write(`tswatch: ${event ? `error handling ${event}: ` : ''}${error.stack ?? error.message}\n`);
  }
}

/** watchdog's PollingObserver: the Observer on the poll backend (`timeout` seconds between polls). */
export class PollingObserver extends Observer {
  constructor(options: Omit<ObserverOptions, 'backend'> = {}) {
    super({ ...options, backend: 'poll' });
  }
}
