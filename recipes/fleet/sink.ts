/** One event as sinks carry it: `--json`'s object plus `host` and a unique, stable `id`. */
export interface FleetRecord {
  id: string;
  host: string;
  time: string;
  wd: number;
  mask: number;
  maskname: string;
  cookie: number;
  name: string;
  path: string;
  pathname: string;
  dir: boolean;
  src_pathname?: string;
  synthetic?: boolean;
  src?: string;
  /** Who caused it, where the watching host's backend knew (fanotify). */
  pid?: number;
  uid?: number;
  user?: string;
  comm?: string;
  exe?: string;
}

/** A record with its JSON text (what goes on the wire, as the outbox holds it). */
export interface SinkMessage {
  record: FleetRecord;
  json: string;
}

/** What a sink's client says about its connection: lost (with why, if known), or made again. */
export type LinkListener = (up: boolean, why?: string) => void;

/**
 * Where records go. `send` resolves only once the destination has all of the batch (broker ack, 2xx,
 * written); it throws when it could not, and is then called again with the same records (and possibly
 * more), so a destination must accept a re-send: each has its way to deduplicate by `record.id`. An
 * empty batch only checks that the destination can be reached (the drainer asks so during an outage).
 */
export interface Sink {
  readonly name: string;
  send(batch: SinkMessage[]): Promise<void>;
  close(): Promise<void>;
  /**
   * Sinks whose client holds a connection call `listener` when it drops and when it is made again: a
   * client that queues a send while it reconnects (MQTT) would otherwise hide the outage from the drainer.
   */
  onLink?(listener: LinkListener): void;
}

/** TLS settings for brokers and webhooks: files, read when connecting. */
export interface TlsOptions {
  /** CA certificate file (PEM) to trust instead of the system's. */
  ca?: string;
  /** Client certificate and key files (PEM) for mutual TLS. */
  cert?: string;
  key?: string;
  /** false accepts any server certificate (testing only). */
  rejectUnauthorized?: boolean;
}

/**
 * One sink, as plain data (a `sinks:` config entry or a `--sink URL`). Credentials are never in here
 * literally: they come from the files named, or from the environment (see credentials.ts).
 */
export interface SinkConfig {
  /** nats://host:4222/subject, redis://host:6379/stream, mqtt://host:1883/topic, http(s)://…, file:///x.jsonl, file:///x.csv */
  url: string;
  tls?: TlsOptions;
  /** NATS: JetStream stream name (default TSWATCH_<subject>), created when missing. */
  stream?: string;
  /** NATS .creds file (default $TSWATCH_NATS_CREDS). */
  credsFile?: string;
  /** A file holding the password / token (default: $TSWATCH_<KIND>_PASSWORD or _TOKEN). */
  passwordFile?: string;
  /** Redis: XADD MAXLEN ~ N (default 1,000,000). */
  maxLen?: number;
  /** Files: rotate when the file reaches this size (default 64 MiB), keeping `keep` old ones (default 5). */
  rotateBytes?: number;
  keep?: number;
}
