import { redisConnect, redisStream } from '../sinks/redis-sink.js';
import type { FleetRecord, SinkConfig } from '../sink.js';
import type { SourceOptions } from './source-options.js';

type Entries = Array<[string, string[]]>;

/** Records from a Redis stream with XREAD BLOCK, from now ('$') or from `since` (stream ids are times). */
export async function* redisRecords(url: URL, config: SinkConfig, options: SourceOptions): AsyncGenerator<FleetRecord> {
  const stream = redisStream(url);
  let last = options.since === undefined ? '$' : `${Math.max(0, options.since.getTime() - 1)}-18446744073709551615`;
  const client = await redisConnect(url, config);
  options.signal?.addEventListener('abort', () => void client.disconnect().catch(() => {}), { once: true });
  try {
    if (last === '$') {
      // '$' re-read after a reconnect would skip what came meanwhile: pin the current last id now.
      const top = (await client.sendCommand(['XREVRANGE', stream, '+', '-', 'COUNT', '1'])) as Entries;
      last = top[0]?.[0] ?? '0-0';
    }
    options.onReady?.();
    while (!options.signal?.aborted) {
      const reply = (await client.sendCommand(['XREAD', 'COUNT', '1000', 'BLOCK', '1000', 'STREAMS', stream, last])) as Array<[string, Entries]> | null;
      for (const [id, fields] of reply?.[0]?.[1] ?? []) {
        last = id;
        const event = fields[fields.indexOf('event') + 1];
        if (event !== undefined) yield JSON.parse(event) as FleetRecord;
      }
    }
  } catch (err) {
    if (!options.signal?.aborted) throw err;
  } finally {
    if (client.isOpen) await client.disconnect().catch(() => {});
  }
}
