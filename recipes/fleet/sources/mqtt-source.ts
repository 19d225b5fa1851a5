import type { IPublishPacket } from 'mqtt';
import { TswatchError } from '../../../src/index.js';
import { sinkName } from '../credentials.js';
import { mqttClient, mqttConnected, mqttTopic } from '../sinks/mqtt-sink.js';
import type { FleetRecord, SinkConfig } from '../sink.js';
import type { SourceOptions } from './source-options.js';
import { parseRecord } from './parse-record.js';

/**
 * Records published on an MQTT topic (QoS 1) from now on; MQTT keeps no history, so no `since`. Each
 * message is acknowledged (PUBACK) once the loop asked for the next: the client hands them over one at a
 * time (`handleMessage`). With `durable`, a persistent session (clean: false, client id
 * `tswatch-<durable>`): the broker keeps what is published while the consumer is away, and sends again
 * what it did not acknowledge. The session starts at the first subscribe; the broker may cap what it
 * keeps (mosquitto: max_queued_messages, 1000 by default, and persistent_client_expiration).
 */
export async function* mqttRecords(url: URL, config: SinkConfig, options: SourceOptions): AsyncGenerator<FleetRecord> {
  if (options.since !== undefined) {
    throw new TswatchError('--since: MQTT keeps no history', {
      code: 'EBADFLAG',
      hint: 'use --since with nats:// or redis://, or leave it out (--durable resumes without it)',
    });
  }
  const durable = options.durable;
  const client = await mqttClient(url, config, durable === undefined, durable === undefined ? undefined : `tswatch-${durable}`);
  // The message handed over and not yet taken, and the one taken and not yet acknowledged. `done()`
  // sends the PUBACK; `done(error)` lets the client go on without one (the broker sends it again).
  let waiting: { packet: IPublishPacket; done: (err?: Error) => void } | undefined;
  let taken: typeof waiting;
  let stopping = false;
  let wake: (() => void) | undefined;
  // A session's queued messages come right after connecting, before subscribe: take them from the start.
  client.handleMessage = (packet, done) => {
    if (stopping) return done(NOT_TAKEN);
    waiting = { packet, done };
    wake?.();
  };
  const stop = (): void => wake?.();
  options.signal?.addEventListener('abort', stop, { once: true });
  // A resumed session delivers before the SUBACK, which the client reads only after those messages are
  // taken: the loop runs while subscribing, and a session the broker kept is ready at once.
  let ready = false;
  const onReady = (): void => {
    if (!ready) options.onReady?.();
    ready = true;
  };
  client.once('connect', (connack) => connack.sessionPresent && onReady());
  let failed: Error | undefined;
  try {
    await mqttConnected(client, sinkName(config.url)); // a refused certificate or login is said, not retried
    client.subscribeAsync(mqttTopic(url), { qos: 1 }).then(onReady, (err: Error) => {
      failed = err;
      wake?.();
    });
    while (!options.signal?.aborted) {
      if (waiting === undefined && failed === undefined) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      if (failed) throw failed;
      taken = waiting;
      waiting = undefined;
      if (taken === undefined) continue;
      const record = parseRecord(taken.packet.payload.toString(), options);
      if (record) yield record;
      taken.done(); // PUBACK; the client hands over the next one
      taken = undefined;
    }
  } finally {
    // Unblock the client without acknowledging, then end cleanly, so the PUBACKs written last reach the
    // broker (a forced end drops them; a clean one waits for the client to read on).
    stopping = true;
    taken?.done(NOT_TAKEN);
    waiting?.done(NOT_TAKEN);
    await client.endAsync(durable === undefined);
  }
}

const NOT_TAKEN = new Error('not consumed');
