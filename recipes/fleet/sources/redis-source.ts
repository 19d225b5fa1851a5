import type { RedisClientType } from 'redis';
import { redisConnect, redisStream } from '../sinks/redis-sink.js';
import type { FleetRecord, SinkConfig } from '../sink.js';
import type { SourceOptions } from './source-options.js';

type Entries = Array<[string, string[]]>;

const quietly = (client: RedisClientType): void => {
  try {
    if (client.isOpen) void client.disconnect().catch(() => {});
  } catch {
    // closed meanwhile
  }
};

/**
 * Records from a Redis stream with XREAD BLOCK, from now or from `since` (stream ids are times). A lost
 * connection is made again (backoff up to 5 s), reading on from the last id seen.
 */
export async function* redisRecords(url: URL, config: SinkConfig, options: SourceOptions): AsyncGenerator<FleetRecord> {
  const stream = redisStream(url);
  let last = options.since === undefined ? undefined : `${Math.max(0, options.since.getTime() - 1)}-18446744073709551615`;
  let client = await redisConnect(url, config);
  options.signal?.addEventListener('abort', () => quietly(client), { once: true });
  let delay = 100;
  try {
    // Pin "now" to an id: '$' read again after a reconnect would skip what came meanwhile.
    last ??= ((await client.sendCommand(['XREVRANGE', stream, '+', '-', 'COUNT', '1'])) as Entries)[0]?.[0] ?? '0-0';
    options.onReady?.();
    while (!options.signal?.aborted) {
      let reply: Array<[string, Entries]> | null;
      try {
        if (!client.isReady) client = await redisConnect(url, config);
        reply = (await client.sendCommand(['XREAD', 'COUNT', '1000', 'BLOCK', '1000', 'STREAMS', stream, last])) as Array<[string, Entries]> | null;
        delay = 100;
      } catch (err) {
        if (options.signal?.aborted) break;
        if (!(err instanceof Error) || /WRONGTYPE|NOPERM|NOAUTH|WRONGPASS/.test(err.message)) throw err;
        quietly(client);
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 5000);
        continue;
      }
      for (const [id, fields] of reply?.[0]?.[1] ?? []) {
        last = id;
        const event = fields[fields.indexOf('event') + 1];
        if (event !== undefined) yield JSON.parse(event) as FleetRecord;
      }
    }
  } finally {
    quietly(client);
  }
}
