import { EventEmitter } from 'node:events';
import type { RawEvent } from './backends/backend.js';
import { TswatchError } from './errors.js';
import type { Event } from './event.js';
import { PrintAllEvents } from './print-all-events.js';
import { callHandler, type Handler } from './process-event.js';
import { SystemProcessor, type Delivery } from './system-processor.js';
import { AtomicSaveCoalescer } from './atomic-save.js';
import { Settler } from './settler.js';
import { TreeState } from './tree-state.js';
import type { WatchManager } from './watch-manager.js';

export interface NotifierOptions {
  /** pyinotify's read_freq, seconds: let the kernel queue fill this long between reads. */
  readFreq?: number;
  /** pyinotify's threshold, bytes: read only once the kernel queue holds this much. */
  threshold?: number;
  /** Drop an event identical (wd, mask, cookie, name) to one earlier in the same read. */
  coalesceEvents?: boolean;
  /** Events `for await` may hold before reading pauses (the kernel queue absorbs the rest). */
  highWaterMark?: number;
  /**
   * Keep the watched trees' state in this file: on start, what changed since the last run is delivered
   * first (synthetic events), then live events; the state is saved on start, every `stateInterval`
   * and on stop.
   */
  stateFile?: string;
  /** Milliseconds between two saves of the state (default 60 000): what a crash can make re-reported. */
  stateInterval?: number;
  /**
   * Milliseconds: report a file's IN_MODIFY once it has stopped changing (on its IN_CLOSE_WRITE, or
   * after its size and mtime stayed the same this long), per path.
   */
  settle?: number;
  /**
   * Show an editor's write-temp-then-rename save as one IN_MODIFY (and IN_CLOSE_WRITE) of the real
   * file. New files' events are then held for 500 ms, to see whether they are such a temporary file.
   */
  atomicSave?: boolean;
}

export interface LoopOptions {
  /** Called after each batch; returning true stops the loop (pyinotify's loop callback). */
  callback?: (notifier: Notifier) => unknown;
}

interface Consumer {
  queue: Event[];
  wake: (() => void) | undefined;
}

/**
 * pyinotify's Notifier: reads batches from the WatchManager's backend, runs the system processing, then
 * dispatches each event, in kernel order, to the watch's handler or the default one. A handler that
 * throws or rejects emits `error` (err, event) and delivery goes on.
 *
 * Events: `error` (err, event?), `stop`.
 */
export class Notifier extends EventEmitter {
  readonly watchManager: WatchManager;
  /** pyinotify prints every event when no handler is given; `null` means no default handler. */
  defaultProcFun: Handler | null;
  private readonly options: NotifierOptions;
  private readonly processor: SystemProcessor;
  private readonly consumers = new Set<Consumer>();
  private readonly implicitPrinter: boolean;
  private coalesce: boolean;
  private state: 'idle' | 'running' | 'stopped' = 'idle';
  private paused = false;
  private callbacks = new Set<(notifier: Notifier) => unknown>();
  private readonly stopped: Promise<void>;
  private treeState: TreeState | undefined;
  private readonly settler: Settler | undefined;
  private readonly coalescer: AtomicSaveCoalescer | undefined;
  /** Where processed events go: the atomic-save and settle stages when on, then dispatch. */
  private readonly deliver: (delivery: Delivery) => void;
  private stateTimer: NodeJS.Timeout | undefined;
  private resolveStopped!: () => void;

  constructor(watchManager: WatchManager, defaultProcFun?: Handler | null, options: NotifierOptions = {}) {
    super();
    this.watchManager = watchManager;
    this.implicitPrinter = defaultProcFun === undefined;
    this.defaultProcFun = defaultProcFun === undefined ? new PrintAllEvents() : defaultProcFun;
    this.options = options;
    this.coalesce = options.coalesceEvents ?? false;
    // Atomic-save coalescing must see a temporary file's create and rename even when the mask leaves
    // them out: the processor then marks such events unwanted instead of dropping them.
    this.processor = new SystemProcessor(
      watchManager,
      (err) => this.reportError(err),
      options.atomicSave ?? false,
      (deliveries) => {
        if (this.state !== 'running') return;
        for (const delivery of deliveries) this.deliver(delivery);
        for (const consumer of this.consumers) consumer.wake?.();
      },
    );
    const later = (delivery: Delivery): void => {
      this.dispatch(delivery);
      for (const consumer of this.consumers) consumer.wake?.();
    };
    if (options.settle !== undefined) {
      if (!(Number.isFinite(options.settle) && options.settle >= 0)) {
        throw new TswatchError(`settle: ${options.settle} is not a number of milliseconds`, {
          code: 'EBADSETTLE',
          hint: 'give settle in milliseconds, 0 or more, e.g. 500',
        });
      }
      this.settler = new Settler(options.settle, later);
    }
    const settled = this.settler ? (d: Delivery) => this.settler!.push(d) : later;
    if (options.atomicSave) this.coalescer = new AtomicSaveCoalescer(watchManager, settled);
    this.deliver = this.coalescer ? (d) => this.coalescer!.push(d) : this.settler ? settled : (d) => this.dispatch(d);
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
  }

  /** pyinotify's coalesce_events. */
  coalesceEvents(coalesce = true): void {
    this.coalesce = coalesce;
  }

  /** Begin reading; handlers run as events arrive. Idempotent. */
  start(): this {
    if (this.state !== 'idle') return this;
    this.state = 'running';
    if (this.options.stateFile !== undefined) this.catchUp(this.options.stateFile);
    this.watchManager.backend.start(
      (batch) => this.onBatch(batch),
      (err) => this.reportError(err),
      { readFreq: this.options.readFreq ?? 0, threshold: this.options.threshold ?? 0 },
    );
    return this;
  }

  /** Resolves once every watch added so far delivers events. */
  ready(): Promise<void> {
    return this.watchManager.backend.ready();
  }

  /** Start, and resolve when `stop()` is called (or a callback returns true). */
  async loop(options: LoopOptions = {}): Promise<void> {
    if (options.callback) this.callbacks.add(options.callback);
    this.start();
    await this.stopped;
  }

  /** Stop reading and close the inotify fd (as pyinotify's stop does); `loop()` resolves. */
  stop(): void {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    clearInterval(this.stateTimer);
    if (this.treeState) this.saveState(true);
    this.processor.dispose();
    this.settler?.dispose();
    this.coalescer?.dispose();
    this.watchManager.close();
    for (const consumer of this.consumers) consumer.wake?.();
    this.resolveStopped();
    this.emit('stop');
  }

  get running(): boolean {
    return this.state === 'running';
  }

  /** Events the backend read but could not name, so never delivered (each batch also comes as an UnnamedEventsError). */
  get unnamed(): number {
    return this.processor.unnamed;
  }

  /** `for await (const event of notifier)`: every dispatched event; breaking out stops the notifier. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Event, void, undefined> {
    if (this.implicitPrinter && this.defaultProcFun instanceof PrintAllEvents) this.defaultProcFun = null;
    const consumer: Consumer = { queue: [], wake: undefined };
    this.consumers.add(consumer);
    this.start();
    try {
      while (this.state === 'running' || consumer.queue.length > 0) {
        if (consumer.queue.length === 0) {
          await new Promise<void>((resolve) => (consumer.wake = resolve));
          consumer.wake = undefined;
          continue;
        }
        const events = consumer.queue;
        consumer.queue = [];
        this.updateFlow();
        yield* events;
      }
    } finally {
      this.consumers.delete(consumer);
      this.stop();
    }
  }

  /** Deliver what changed while not running, before any live event; then keep the state saved. */
  private catchUp(file: string): void {
    this.treeState = new TreeState(file, this.watchManager);
    for (const delivery of this.processor.replay(this.treeState.changes())) this.dispatch(delivery);
    this.saveState(false);
    this.stateTimer = setInterval(() => this.saveState(true), this.options.stateInterval ?? 60_000).unref();
  }

  private saveState(fresh: boolean): void {
    try {
      this.treeState!.save(fresh);
    } catch (err) {
      this.reportError(err);
    }
  }

  private onBatch(raw: RawEvent[]): void {
    if (this.state !== 'running') return;
    let deliveries: Delivery[];
    try {
      deliveries = this.processor.process(this.coalesce ? coalesced(raw) : raw);
    } catch (err) {
      this.reportError(err);
      return;
    }
    for (const delivery of deliveries) this.deliver(delivery);
    if (this.consumers.size > 0) {
      for (const consumer of this.consumers) consumer.wake?.();
      this.updateFlow();
    }
    for (const callback of this.callbacks) {
      let done: unknown;
      try {
        done = callback(this);
      } catch (err) {
        this.reportError(err);
      }
      if (done === true) this.stop();
    }
  }

  private dispatch({ event, handler, wanted }: Delivery): void {
    if (wanted === false) return;
    const target = handler ?? this.defaultProcFun;
    if (target !== null) {
      try {
        const result = callHandler(target, event);
        if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
          (result as PromiseLike<unknown>).then(undefined, (err: unknown) => this.reportError(err, event));
        }
      } catch (err) {
        this.reportError(err, event);
      }
    }
    for (const consumer of this.consumers) consumer.queue.push(event);
  }

  /** Pause reading while an iterator lags behind; the kernel queue holds events meanwhile. */
  private updateFlow(): void {
    const high = this.options.highWaterMark ?? 65536;
    let longest = 0;
    for (const consumer of this.consumers) longest = Math.max(longest, consumer.queue.length);
    if (!this.paused && longest >= high) {
      this.paused = true;
      this.watchManager.backend.pause();
    } else if (this.paused && longest <= high / 2 && this.state === 'running') {
      this.paused = false;
      this.watchManager.backend.resume();
    }
  }

  private reportError(err: unknown, event?: Event): void {
    const error = err instanceof Error ? err : new TswatchError(String(err), { code: 'EHANDLER' });
    if (this.listenerCount('error') > 0) {
      this.emit('error', error, event);
    } else {
      process.stderr.write(`tswatch: ${event ? `error handling ${event}: ` : ''}${error.stack ?? error.message}\n`);
    }
  }
}

/** The batch without events identical to an earlier one in it. */
function coalesced(batch: RawEvent[]): RawEvent[] {
  const seen = new Set<string>();
  return batch.filter((raw) => {
    const key = `${raw.wd}\u0000${raw.mask}\u0000${raw.cookie}\u0000${raw.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
