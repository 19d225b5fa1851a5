import { parseSize } from '../alert/alert-options.js';
import { TswatchError } from '../../src/index.js';
import type { FsyncPolicy } from './event-outbox.js';
import type { FleetPublisher } from './fleet-publisher.js';

/**
 * The checks `--host/--outbox-max` and the config keys `host:` / `outbox.maxBytes:` share; `what` names
 * the flag or key in the error. (Sink URLs: parseSinkUrl.)
 */
export const FSYNC_POLICIES = ['always', 'interval', 'never'] as const satisfies readonly FsyncPolicy[];

/** '100M' or a number of bytes; at least 4 KiB (one segment). */
export function outboxBytes(what: string, value: string | number): number {
  return Math.max(4096, parseSize(what, value));
}

export function fleetHost(what: string, value: string): string {
  if (value.trim() === '') {
    throw new TswatchError(`${what}: '${value}' is empty`, {
      code: 'EBADFLAG',
      hint: `give the name this machine goes by in the fleet, or leave ${what} out for os.hostname()`,
    });
  }
  // The id (HOST:INSTANCE:SEQ) travels in headers (NATS Nats-Msg-Id), where a control character is refused:
  // such an event would wait in the outbox for ever.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is looked for
  if (/[\x00-\x1f\x7f]/.test(value)) {
    throw new TswatchError(`${what}: ${JSON.stringify(value)} has a control character (newline, tab, …)`, {
      code: 'EBADFLAG',
      hint: 'give a plain name such as web1 or web1.example.com',
    });
  }
  return value;
}

/** Close a publisher, giving its sinks a few seconds to take what waits; say what is left for the next start. */
export async function closeFleet(fleet: FleetPublisher | undefined, say: (text: string) => void, drainMs = 5000): Promise<void> {
  if (fleet === undefined) return;
  for (const status of await fleet.close(drainMs)) {
    if (status.pending > 0) say(`sink ${status.sink}: ${status.pending} events stay in the outbox for the next start`);
    if (status.dropped > 0) say(`sink ${status.sink}: ${status.dropped} events were dropped (outbox full)`);
  }
}
