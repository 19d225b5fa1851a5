import { TswatchError } from '../errors.js';
import type { Backend, BackendStartOptions, RawEvent } from './backend.js';

/**
 * A backend emulating inotify in user space (parcel, poll): it hands batches to the consumer given to
 * `start`, holds them while paused (there is no kernel queue to absorb them), keeps errors until there
 * is a consumer, and says nothing once closed.
 */
export abstract class EmulatedBackend implements Backend {
  abstract readonly name: string;
  abstract readonly supportedMask: number;
  protected closed = false;
  private onBatch: ((events: RawEvent[]) => void) | undefined;
  private onError: ((err: Error) => void) | undefined;
  private readonly earlyErrors: Error[] = [];
  private held: RawEvent[][] | undefined;

  /** `source` names the library in error messages (`@parcel/watcher`, `chokidar`). */
  constructor(private readonly source: string) {}

  abstract addWatch(path: string, mask: number): number;
  abstract rmWatch(wd: number): void;
  abstract ready(): Promise<void>;
  abstract close(): void;

  start(onBatch: (events: RawEvent[]) => void, onError: (err: Error) => void, _options?: BackendStartOptions): void {
    this.onBatch = onBatch;
    this.onError = onError;
    for (const err of this.earlyErrors.splice(0)) onError(err);
  }

  pause(): void {
    this.held ??= [];
  }

  resume(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const batch of held) this.emit(batch);
  }

  /** Stop delivering; true the first time (the subclass then releases what it holds). */
  protected shut(): boolean {
    if (this.closed) return false;
    this.closed = true;
    this.held = undefined;
    return true;
  }

  protected emit(events: RawEvent[]): void {
    if (this.closed || this.onBatch === undefined || events.length === 0) return;
    if (this.held !== undefined) return void this.held.push(events);
    try {
      this.onBatch(events);
    } catch (err) {
      this.fail(err as Error);
    }
  }

  /** Report a failure of the library; `where` (`watching '/x'`) says about which path. */
  protected fail(err: Error, path?: string, where = `at '${path}'`): void {
    if (this.closed) return;
    const error = new TswatchError(`${this.source}${path === undefined ? '' : ` (${where})`}: ${err.message}`, {
      code: 'EBACKEND',
      path,
      cause: err,
    });
    if (this.onError) this.onError(error);
    else this.earlyErrors.push(error);
  }
}
