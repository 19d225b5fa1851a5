import { hostname } from 'node:os';
import type { RedisClientType } from 'redis';
import { TswatchError } from '../../../src/index.js';
import { brokerError, sinkName } from '../credentials.js';
import { redisConnect, redisStream } from '../sinks/redis-sink.js';
import type { FleetRecord, SinkConfig } from '../sink.js';
import type { SourceOptions } from './source-options.js';
import { parseRecord } from './parse-record.js';

/** XRANGE/XREADGROUP entries; a pending entry trimmed from the stream since has no fields. */
type Entries = Array<[string, string[] | null]>;

const quietly = (client: RedisClientType): void => {
  try {
    if (client.isOpen) void client.disconnect().catch(() => {});
  } catch {
    // closed meanwhile
  }
};

/** A stream id just before `since` (stream ids are times in ms). */
const idBefore = (since: Date): string => `${Math.max(0, since.getTime() - 1)}-18446744073709551615`;

/**
 * Records from a Redis stream, from now or from `since`: with XREAD BLOCK, or with `durable` through
 * the consumer group of that name (created at `since` or at the end), this host's name as the consumer:
 * first the entries it was given but did not acknowledge (its pending list, kept by Redis through a
 * crash), then new ones; each acknowledged (XACK) once the loop asked for the next. A lost connection is
 * made again (backoff up to 5 s), reading on from the last id seen.
 */
export async function* redisRecords(url: URL, config: SinkConfig, options: SourceOptions): AsyncGenerator<FleetRecord> {
  const stream = redisStream(url);
  const group = options.durable;
  let client = await redisConnect(url, config);
  options.signal?.addEventListener('abort', () => quietly(client), { once: true });
  let delay = 100;
  let last = options.since === undefined ? undefined : idBefore(options.since); // plain XREAD: the last id seen
  let pending: string | undefined; // group: reading this consumer's pending list, after this id
  const connect = async (): Promise<void> => {
    if (!client.isReady) client = await redisConnect(url, config);
    if (group === undefined) return;
    await client.sendCommand(['XGROUP', 'CREATE', stream, group, last ?? '$', 'MKSTREAM']).catch((err: Error) => {
      if (!err.message.startsWith('BUSYGROUP')) throw err; // exists: it resumes where it was
    });
    pending = '0';
  };
  try {
    await connect();
    // Pin "now" to an id: '$' read again after a reconnect would skip what came meanwhile.
    if (group === undefined)
      last ??= ((await client.sendCommand(['XREVRANGE', stream, '+', '-', 'COUNT', '1'])) as Entries)[0]?.[0] ?? '0-0';
    options.onReady?.();
    while (!options.signal?.aborted) {
      let reply: Array<[string, Entries]> | null;
      try {
        if (!client.isReady) await connect();
        const from = ['COUNT', '1000', ...(pending === undefined ? ['BLOCK', '1000'] : []), 'STREAMS', stream];
        const read = group === undefined ? ['XREAD', ...from, last!] : ['XREADGROUP', 'GROUP', group, hostname(), ...from, pending ?? '>'];
        reply = (await client.sendCommand(read)) as Array<[string, Entries]> | null;
        delay = 100;
      } catch (err) {
        if (options.signal?.aborted) break;
        if (!(err instanceof Error) || /WRONGTYPE|NOPERM|NOAUTH|WRONGPASS/.test(err.message))
          throw brokerError('redis', sinkName(config.url), err);
        if (err instanceof TswatchError && err.code !== 'ECONNREFUSED') throw err; // a refused certificate or login
        quietly(client);
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 5000);
        continue;
      }
      const entries = reply?.[0]?.[1] ?? [];
      if (entries.length === 0) pending = undefined; // pending list done: new entries from now
      for (const [id, fields] of entries) {
        if (group === undefined) last = id;
        else if (pending !== undefined) pending = id;
        const event = fields?.[fields.indexOf('event') + 1];
        const record = event === undefined ? undefined : parseRecord(event, options);
        if (record) yield record;
        if (group !== undefined) await client.sendCommand(['XACK', stream, group, id]).catch(() => {}); // else pending: read again
      }
    }
  } finally {
    quietly(client);
  }
}
