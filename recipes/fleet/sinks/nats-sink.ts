import type { JetStreamClient, NatsConnection } from 'nats';
import { brokerError, credentials, loadOptional, sinkName, tlsMaterial } from '../credentials.js';
import type { LinkListener, Sink, SinkConfig, SinkMessage } from '../sink.js';

type Nats = typeof import('nats');

/** The subject a nats:// URL names, and the stream to keep it in. */
export function natsTarget(url: URL, config: Pick<SinkConfig, 'stream'>): { server: string; subject: string; stream: string } {
  const subject = decodeURIComponent(url.pathname.slice(1)) || 'tswatch.events';
  return {
    server: `${url.hostname}:${url.port || 4222}`,
    subject,
    stream: config.stream ?? `TSWATCH_${subject.replace(/[^A-Za-z0-9_-]/g, '_')}`,
  };
}

/** Connect as the sink config says (credentials from files or the environment, TLS). */
export async function natsConnect(url: URL, config: SinkConfig): Promise<{ nats: Nats; nc: NatsConnection }> {
  const nats = await loadOptional<Nats>('nats', 'a nats:// sink or source');
  const { server } = natsTarget(url, config);
  const cred = credentials('nats', url, config);
  const tls = tlsMaterial(config.tls);
  const nc = await nats
    .connect({
      servers: server,
      name: 'tswatch',
      timeout: 5000,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      ...(cred.token && { token: cred.token }),
      ...(cred.user && { user: cred.user, pass: cred.password }),
      ...(cred.creds && { authenticator: nats.credsAuthenticator(cred.creds) }),
      ...(tls && { tls: { ...tls, handshakeFirst: false } }),
    })
    .catch((err: unknown) => {
      throw brokerError('nats', sinkName(config.url), err);
    });
  return { nats, nc };
}

/**
 * Publishes to a JetStream stream (created when no stream holds the subject yet), each message with
 * its event id as Nats-Msg-Id: a re-send within the stream's duplicate window (2 minutes by default)
 * is acknowledged as a duplicate and not stored again.
 */
export class NatsSink implements Sink {
  readonly name: string;
  private conn: { nc: NatsConnection; js: JetStreamClient } | undefined;
  private readonly target: ReturnType<typeof natsTarget>;
  private link: LinkListener | undefined;

  constructor(
    private readonly url: URL,
    private readonly config: SinkConfig,
  ) {
    this.name = sinkName(config.url);
    this.target = natsTarget(url, config);
  }

  async send(batch: SinkMessage[]): Promise<void> {
    const { nc, js } = await this.connection();
    if (batch.length === 0) return nc.flush(); // a check: a round trip to the server
    await Promise.all(batch.map((m) => js.publish(this.target.subject, Buffer.from(m.json), { msgID: m.record.id, timeout: 5000 })));
  }

  async close(): Promise<void> {
    const conn = this.conn;
    this.conn = undefined;
    await conn?.nc.close();
  }

  onLink(listener: LinkListener): void {
    this.link = listener;
  }

  private async connection(): Promise<{ nc: NatsConnection; js: JetStreamClient }> {
    if (this.conn && !this.conn.nc.isClosed()) return this.conn;
    const { nc } = await natsConnect(this.url, this.config);
    try {
      await ensureStream(nc, this.target.subject, this.target.stream);
    } catch (err) {
      await nc.close();
      throw err;
    }
    this.conn = { nc, js: nc.jetstream() };
    void this.watchStatus(this.conn);
    return this.conn;
  }

  /** The client reconnects by itself, a publish meanwhile waiting up to its timeout: say the drop now. */
  private async watchStatus(conn: NonNullable<NatsSink['conn']>): Promise<void> {
    for await (const status of conn.nc.status()) {
      if (this.conn !== conn) return;
      if (status.type === 'disconnect') this.link?.(false);
      else if (status.type === 'reconnect') this.link?.(true);
    }
  }
}

/** The stream holding `subject`: found, or created (file storage, 2-minute duplicate window). */
export async function ensureStream(nc: NatsConnection, subject: string, stream: string): Promise<string> {
  const jsm = await nc.jetstreamManager();
  try {
    return await jsm.streams.find(subject);
  } catch {
    await jsm.streams.add({ name: stream, subjects: [subject], duplicate_window: 120 * 1e9 });
    return stream;
  }
}
