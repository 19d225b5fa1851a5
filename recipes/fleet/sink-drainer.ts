import type { TswatchError } from '../../src/index.js';
import type { EventOutbox } from './event-outbox.js';
import type { FleetRecord, Sink, SinkMessage } from './sink.js';

export interface DrainerOptions {
  batchSize?: number;
  retryMinMs?: number;
  retryMaxMs?: number;
  /** Messages for a human: outages, recoveries (the CLI writes them to stderr). */
  say?: (text: string) => void;
}

/** An outbox line as a sink takes it: parsed only when the sink looks at the record (JSONL, webhooks and
 * MQTT send the text as it is; parsing every line was a fifth of their cost). */
class OutboxMessage implements SinkMessage {
  private parsed: FleetRecord | undefined;

  constructor(readonly json: string) {}

  get record(): FleetRecord {
    return (this.parsed ??= JSON.parse(this.json) as FleetRecord);
  }
}

/**
 * Moves records from an outbox to a sink, one batch at a time, in order. A failed batch is read again
 * after a backoff (retryMin · 2^n, at most retryMax); an outage is said once when it starts and once
 * when it ends.
 */
export class SinkDrainer {
  delivered = 0;
  private wake: (() => void) | undefined;
  private closed = false;
  private failing = false;
  private readonly done: Promise<void>;

  constructor(
    private readonly outbox: EventOutbox,
    private readonly sink: Sink,
    private readonly options: DrainerOptions = {},
  ) {
    this.done = this.loop();
  }

  /** The sink's URL as shown in messages and status (a password in it masked). */
  get name(): string {
    return this.sink.name;
  }

  /** New records are in the outbox. */
  poke(): void {
    this.wake?.();
  }

  /** Resolves when the outbox is empty (true) or after `ms` (false). */
  async drained(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (this.outbox.pending > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return this.outbox.pending === 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    // A send stuck on a broker that is away (MQTT waits for its PUBACKs) must not hold up exit: what it
    // carried is still in the outbox.
    await Promise.race([this.done, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    await this.sink.close().catch(() => {});
    this.outbox.close();
  }

  private async loop(): Promise<void> {
    let delay = this.options.retryMinMs ?? 100;
    while (!this.closed) {
      const batch = this.outbox.read(this.options.batchSize ?? 500);
      if (batch === undefined) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      try {
        await this.sink.send(batch.lines.map((json) => new OutboxMessage(json)));
        this.outbox.ack(batch);
        this.delivered += batch.lines.length;
        if (this.failing) this.options.say?.(`sink ${this.name}: delivering again (${this.outbox.pending} events waiting)`);
        this.failing = false;
        delay = this.options.retryMinMs ?? 100;
      } catch (err) {
        this.outbox.rewind();
        if (!this.failing) {
          // A TswatchError names the sink itself and says what to do.
          const { message, hint } = err as Partial<TswatchError>;
          const what = message?.startsWith(this.sink.name) ? message : `${this.sink.name}: ${message}`;
          this.options.say?.(`sink ${what}; events wait in the outbox, retrying with backoff${hint ? `\n  ${hint}` : ''}`);
        }
        this.failing = true;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          this.wake = () => {
            if (this.closed) {
              clearTimeout(timer);
              resolve();
            }
          };
        });
        this.wake = undefined;
        delay = Math.min(delay * 2, this.options.retryMaxMs ?? 30_000);
      }
    }
  }
}
