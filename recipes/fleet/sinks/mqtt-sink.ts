import { randomBytes } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { brokerError, credentials, loadOptional, sinkName, tlsMaterial } from '../credentials.js';
import type { LinkListener, Sink, SinkConfig, SinkMessage } from '../sink.js';

type Mqtt = typeof import('mqtt');

export function mqttTopic(url: URL): string {
  return decodeURIComponent(url.pathname.slice(1)) || 'tswatch/events';
}

/** A client that reconnects by itself (credentials from the environment or files, TLS for mqtts://). */
export async function mqttClient(url: URL, config: SinkConfig, clean = true, clientId?: string): Promise<MqttClient> {
  const mqtt = await loadOptional<Mqtt>('mqtt', 'an mqtt:// sink or source');
  const cred = credentials('mqtt', url, config);
  const tls = tlsMaterial(config.tls);
  const client = mqtt.connect(`${url.protocol}//${url.hostname}:${url.port || (url.protocol === 'mqtts:' ? 8883 : 1883)}`, {
    clientId: clientId ?? `tswatch-${randomBytes(6).toString('hex')}`,
    clean,
    reconnectPeriod: 500,
    connectTimeout: 5000,
    ...(cred.user && { username: cred.user }),
    ...((cred.password ?? cred.token) && { password: cred.password ?? cred.token }),
    ...tls,
  });
  client.on('error', () => {}); // it reconnects; publishes wait for their PUBACK
  return client;
}

/**
 * Publishes each record with QoS 1 and resolves on the broker's PUBACKs. A batch begun when the broker
 * goes away is held by the client and re-sent on reconnect (the drainer learns of the outage from the
 * client's close, `onLink`); a batch while it is away fails (and is retried). QoS 1 is at-least-once: a message whose
 * PUBACK was lost, or one re-sent from the outbox after a crash, can arrive twice, with the same `id`
 * (`tswatch tail` drops such repeats).
 */
export class MqttSink implements Sink {
  readonly name: string;
  private client: MqttClient | undefined;
  private readonly topic: string;
  private link: LinkListener | undefined;

  constructor(
    private readonly url: URL,
    private readonly config: SinkConfig,
  ) {
    this.name = sinkName(config.url);
    this.topic = mqttTopic(url);
  }

  async send(batch: SinkMessage[]): Promise<void> {
    this.client ??= await this.connect();
    const client = this.client;
    // Not connected: fail (the outbox keeps the batch, the outage is said) rather than queue in memory.
    await mqttConnected(client, this.name);
    await Promise.all(batch.map((m) => client.publishAsync(this.topic, m.json, { qos: 1 })));
  }

  /**
   * A clean end waits for every PUBACK due, forever once the broker is gone (an ended client stops
   * reconnecting), and a second end does not force the first: so the end is clean only when connected
   * with nothing due, and forced otherwise. What was not acknowledged is still in the outbox.
   */
  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.endAsync(!client.connected || Object.keys(client.outgoing).length > 0);
  }

  onLink(listener: LinkListener): void {
    this.link = listener;
  }

  private async connect(): Promise<MqttClient> {
    const client = await mqttClient(this.url, this.config);
    // 'close' comes at each lost connection and failed reconnect; our own end is not an outage.
    client.on('close', () => this.client === client && this.link?.(false));
    client.on('connect', () => this.client === client && this.link?.(true));
    return client;
  }
}

/**
 * Resolves when the client is connected; rejects on its next error (a refused certificate or login said
 * as such) or after `ms`. The client goes on reconnecting either way.
 */
export function mqttConnected(client: MqttClient, name: string, ms = 5000): Promise<void> {
  if (client.connected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (err?: unknown): void => {
      clearTimeout(timer);
      client.off('connect', onConnect).off('error', onError);
      if (err === undefined) resolve();
      else reject(err);
    };
    const onConnect = (): void => done();
    const onError = (err: Error): void => done(brokerError('mqtt', name, err));
    const timer = setTimeout(() => done(new Error(`not connected to the MQTT broker after ${ms / 1000} s`)), ms);
    client.on('connect', onConnect).on('error', onError);
  });
}
