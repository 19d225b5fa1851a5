import type { Event } from './event.js';
import { ProcessEvent, type ProcessEventOptions } from './process-event.js';

/**
 * pyinotify's ChainIfTrue, used as a `pevent`: the chain goes on to the next handler only while
 * `func(event)` is true.
 */
export class ChainIfTrue extends ProcessEvent {
  private readonly func: (event: Event) => unknown;

  constructor(func: (event: Event) => unknown, options: ProcessEventOptions = {}) {
    super(options);
    this.func = func;
  }

  override process_default(event: Event): boolean {
    return !this.func(event);
  }
}
