export interface SourceOptions {
  /** Start from this time (brokers that keep history); default: from now. */
  since?: Date;
  signal?: AbortSignal;
  /** Called once the source is subscribed: events from then on will be seen. */
  onReady?: () => void;
}
