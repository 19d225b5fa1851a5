import type { Event } from '../../src/index.js';
import { closeFleet } from './fleet-settings.js';
import { type FleetOptions, FleetPublisher, type SinkStatus } from './fleet-publisher.js';

/**
 * The daemon's publisher, replaced when a reload changes `sinks:`, `host:` or `outbox:`, and left
 * untouched otherwise. Events published while one is being swapped for another are held and handed to
 * the new one, so watches that keep running through a reload lose none.
 */
export class ReloadableFleet {
  private publisher: FleetPublisher | undefined;
  private options: FleetOptions | undefined;
  private held: Array<[Event, Date]> | undefined;

  constructor(private readonly say: (text: string) => void) {}

  /** For the watches: to the sinks, if there are any. */
  readonly publish = (event: Event): void => {
    if (this.held) this.held.push([event, new Date()]);
    else this.publisher?.publish(event);
  };

  /**
   * Run with `options` (undefined: no sinks). Unchanged: nothing happens. Changed: the old publisher is
   * closed (given a few seconds to drain; what is left stays in its outbox), the new one opened. If the
   * new one cannot be opened, the old one is opened again and the error thrown.
   */
  async apply(options: FleetOptions | undefined): Promise<void> {
    if (JSON.stringify(options) === JSON.stringify(this.options)) return;
    const previous = this.options;
    this.held = [];
    try {
      await closeFleet(this.publisher, this.say);
      this.publisher = undefined;
      this.options = undefined;
      try {
        await this.open(options);
      } catch (err) {
        await this.open(previous).catch((again: Error) => this.say(`cannot reopen the previous sinks: ${again.message}`));
        throw err;
      }
    } finally {
      const held = this.held;
      this.held = undefined;
      for (const [event, time] of held) this.publisher?.publish(event, time);
    }
  }

  status(): SinkStatus[] {
    return this.publisher?.status() ?? [];
  }

  /** Drain (a few seconds) and close; what is left stays in the outbox for the next start. */
  async close(): Promise<void> {
    await this.apply(undefined);
  }

  private async open(options: FleetOptions | undefined): Promise<void> {
    if (options === undefined) return;
    this.publisher = await FleetPublisher.open(options, this.say);
    this.options = options;
  }
}
