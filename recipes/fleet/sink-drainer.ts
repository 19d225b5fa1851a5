import type { TswatchError } from '../../src/index.js';
import type { EventOutbox } from './event-outbox.js';
import type { FleetRecord, Sink, SinkMessage } from './sink.js';

export interface DrainerOptions {
  batchSize?: number;
  retryMinMs?: number;
  retryMaxMs?: number;
  /** A send not acknowledged after this long is said as an outage (default 10 s); it goes on waiting. */
  stallMs?: number;
  /** Messages for a human: outages, recoveries (the CLI writes them to stderr). */
  say?: (text: string) => void;
}

/** An outbox line as a sink takes it: parsed only when the sink looks at the record (JSONL, webhooks and
 * MQTT send the text as it is; parsing every line was a fifth of their cost). */
class OutboxMessage implements SinkMessage {
  private parsed: FleetRecord | undefined;

  constructor(readonly json: string) {}

  get record(): FleetRecord {
    this.parsed ??= JSON.parse(this.json) as FleetRecord;
    return this.parsed;
  }
}

/**
 * Moves records from an outbox to a sink, one batch at a time, in order. A failed batch is read again
 * after a backoff (retryMin · 2^n, at most retryMax). An outage is said once when it starts and once
 * when it ends, whatever shows it first: a send that fails, a send not acknowledged within `stallMs`
 * (a client may hold a batch while it reconnects, MQTT's does), or the sink's client saying its
 * connection dropped (`onLink`), idle or not. Its end is a send that succeeded; with nothing waiting,
 * an empty batch is sent to check.
 */
export class SinkDrainer {
  delivered = 0;
  /** Ends the idle wait (new records, a lost link, close). */
  private idleWake: (() => void) | undefined;
  /** Ends the backoff (the link is back, close). */
  private retryWake: (() => void) | undefined;
  private closed = false;
  /** An outage was said and its end not yet. */
  private down = false;
  private readonly done: Promise<void>;

  constructor(
    private readonly outbox: EventOutbox,
    private readonly sink: Sink,
    private readonly options: DrainerOptions = {},
  ) {
    sink.onLink?.((up, why) => {
      if (this.closed) return;
      if (up) this.retryWake?.();
      else {
        this.outage(`connection lost${why ? ` (${why})` : ''}`);
        this.idleWake?.();
      }
    });
    this.done = this.loop();
  }

  /** The sink's URL as shown in messages and status (a password in it masked). */
  get name(): string {
    return this.sink.name;
  }

  /** New records are in the outbox. */
  poke(): void {
    this.idleWake?.();
  }

  /** Resolves when the outbox is empty (true) or after `ms` (false). */
  async drained(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (this.outbox.pending > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return this.outbox.pending === 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.idleWake?.();
    this.retryWake?.();
    // A send stuck on a broker that is away (MQTT waits for its PUBACKs) must not hold up exit: what it
    // carried is still in the outbox.
    await Promise.race([this.done, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    // Nor may a client's own end (it may wait for a broker that is gone): bounded the same way.
    await Promise.race([this.sink.close().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    this.outbox.close();
  }

  private async loop(): Promise<void> {
    let delay = this.options.retryMinMs ?? 100;
    while (!this.closed) {
      const batch = this.outbox.read(this.options.batchSize ?? 500);
      if (batch === undefined && !this.down) {
        await new Promise<void>((resolve) => (this.idleWake = resolve));
        this.idleWake = undefined;
        continue;
      }
      try {
        await this.send(batch?.lines ?? []);
        if (batch) {
          this.outbox.ack(batch);
          this.delivered += batch.lines.length;
        }
        if (this.down && !this.closed) this.options.say?.(`sink ${this.name}: delivering again (${this.outbox.pending} events waiting)`);
        this.down = false;
        delay = this.options.retryMinMs ?? 100;
      } catch (err) {
        if (batch) this.outbox.rewind();
        // A TswatchError names the sink itself and says what to do.
        const { message, hint } = err as Partial<TswatchError>;
        this.outage(message?.startsWith(this.sink.name) ? message.slice(this.sink.name.length + 2) : String(message), hint);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          this.retryWake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.retryWake = undefined;
        delay = Math.min(delay * 2, this.options.retryMaxMs ?? 30_000);
      }
    }
  }

  /** `sink.send`, an outage said if it takes longer than `stallMs` (it goes on waiting: the client may deliver). */
  private async send(lines: string[]): Promise<void> {
    const stallMs = this.options.stallMs ?? 10_000;
    const timer = setTimeout(() => this.outage(`not acknowledged after ${stallMs / 1000} s`), stallMs).unref();
    try {
      await this.sink.send(lines.map((json) => new OutboxMessage(json)));
    } finally {
      clearTimeout(timer);
    }
  }

  /** Say an outage, once until it ends. */
  private outage(what: string, hint?: string): void {
    if (this.down || this.closed) return;
    this.down = true;
    this.options.say?.(`sink ${this.name}: ${what}; events wait in the outbox, retrying with backoff${hint ? `\n  ${hint}` : ''}`);
  }
}
