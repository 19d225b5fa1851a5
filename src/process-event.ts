import type { Event } from './event.js';
import { EVENT_BITS, IN_ISDIR } from './masks.js';

/** Anything the notifier can dispatch to: a ProcessEvent, or a plain function (pyinotify takes any callable). */
export type Handler = ProcessEvent | ((event: Event) => unknown);

export interface ProcessEventOptions {
  /** Runs first; a truthy return stops the chain (pyinotify's `pevent`). */
  pevent?: Handler | undefined;
}

/** For each single event bit: the exact hook, then the family hook (`IN_CLOSE_WRITE` → `process_IN_CLOSE`). */
const HOOKS = new Map<number, readonly [string, string]>(
  EVENT_BITS.map(([name, bit]) => [bit, [`process_${name}`, `process_IN_${name.split('_')[1]}`]] as const),
);

/** Call a handler, whichever form it has. */
export function callHandler(handler: Handler, event: Event): unknown {
  return typeof handler === 'function' ? handler(event) : handler.call(event);
}

/**
 * pyinotify's ProcessEvent. Subclass it and define `process_IN_CREATE`, `process_IN_CLOSE` (family),
 * `process_default`; write `override` so a misspelt hook fails to compile (noImplicitOverride).
 * Dispatch order: `pevent` chain → `process_IN_<MASK>` → family hook → `process_default`.
 */
export class ProcessEvent {
  pevent: Handler | undefined;

  constructor(options: ProcessEventOptions = {}) {
    this.pevent = options.pevent;
  }

  call(event: Event): unknown {
    if (this.pevent !== undefined && callHandler(this.pevent, event)) return undefined;
    const bit = event.mask & ~IN_ISDIR;
    const hooks = HOOKS.get(bit);
    if (hooks !== undefined) {
      for (const name of hooks) {
        const hook = (this as unknown as Record<string, unknown>)[name];
        if (typeof hook === 'function') return hook.call(this, event);
      }
    }
    return this.process_default(event);
  }

  nested_pevent(): Handler | undefined {
    return this.pevent;
  }

  process_default(_event: Event): unknown {
    return undefined;
  }

  process_IN_ACCESS?(event: Event): unknown;
  process_IN_MODIFY?(event: Event): unknown;
  process_IN_ATTRIB?(event: Event): unknown;
  process_IN_CLOSE_WRITE?(event: Event): unknown;
  process_IN_CLOSE_NOWRITE?(event: Event): unknown;
  process_IN_OPEN?(event: Event): unknown;
  process_IN_MOVED_FROM?(event: Event): unknown;
  process_IN_MOVED_TO?(event: Event): unknown;
  process_IN_CREATE?(event: Event): unknown;
  process_IN_DELETE?(event: Event): unknown;
  process_IN_DELETE_SELF?(event: Event): unknown;
  process_IN_MOVE_SELF?(event: Event): unknown;
  process_IN_UNMOUNT?(event: Event): unknown;
  process_IN_Q_OVERFLOW?(event: Event): unknown;
  process_IN_IGNORED?(event: Event): unknown;
  /** Family hooks (pyinotify splits the name on '_': IN_DELETE_SELF → process_IN_DELETE). */
  process_IN_CLOSE?(event: Event): unknown;
  process_IN_MOVED?(event: Event): unknown;
  process_IN_MOVE?(event: Event): unknown;
  process_IN_Q?(event: Event): unknown;
}
