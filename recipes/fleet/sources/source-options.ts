export interface SourceOptions {
  /** Start from this time (brokers that keep history); default: from now. With `durable`, only where
   * the named consumer does not exist yet (afterwards it resumes where it stopped). */
  since?: Date;
  /**
   * A durable consumer's name: the broker remembers what this consumer acknowledged, so a consumer that
   * stops (or crashes) and comes back under the same name gets every record published meanwhile, and a
   * record is acknowledged only after the loop consuming it asked for the next one (at-least-once;
   * `fleetEvents` drops repeats by id). NATS: a durable JetStream consumer; Redis: a consumer group;
   * MQTT: a persistent session (client id). Undefined: from now (or `since`), nothing remembered.
   */
  durable?: string;
  signal?: AbortSignal;
  /** Told about a message passed over because it is not a tswatch record (see parseRecord). */
  onSkip?: (why: string) => void;
  /** Called once the source is subscribed: events from then on will be seen. */
  onReady?: () => void;
}
