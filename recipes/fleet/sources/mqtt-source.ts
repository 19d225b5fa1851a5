import { TswatchError } from '../../../src/index.js';
import { mqttClient, mqttTopic } from '../sinks/mqtt-sink.js';
import type { FleetRecord, SinkConfig } from '../sink.js';
import type { SourceOptions } from './source-options.js';

/** Records published on an MQTT topic (QoS 1) from now on; MQTT keeps no history, so no `since`. */
export async function* mqttRecords(url: URL, config: SinkConfig, options: SourceOptions): AsyncGenerator<FleetRecord> {
  if (options.since !== undefined) {
    throw new TswatchError('--since: MQTT keeps no history', { code: 'EBADFLAG', hint: 'use --since with nats:// or redis://, or leave it out' });
  }
  const client = await mqttClient(url, config);
  const queue: FleetRecord[] = [];
  let wake: (() => void) | undefined;
  client.on('message', (_topic, payload) => {
    queue.push(JSON.parse(payload.toString()) as FleetRecord);
    wake?.();
  });
  const stop = (): void => wake?.();
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    await client.subscribeAsync(mqttTopic(url), { qos: 1 });
    options.onReady?.();
    while (!options.signal?.aborted) {
      if (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      yield* queue.splice(0);
    }
  } finally {
    await client.endAsync(true);
  }
}
