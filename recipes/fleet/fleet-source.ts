import { Event, TswatchError, writerOfRecord } from '../../src/index.js';
import { parseSinkUrl } from './open-sink.js';
import type { FleetRecord, SinkConfig } from './sink.js';
import type { SourceOptions } from './sources/source-options.js';

export type { SourceOptions } from './sources/source-options.js';

/** A record from the fleet with its Event (as a local watch would have made it) and its time. */
export interface FleetEvent {
  record: FleetRecord;
  event: Event;
  time: Date;
}

export function recordEvent(r: FleetRecord): Event {
  return new Event({
    wd: r.wd,
    mask: r.mask,
    cookie: r.cookie,
    name: r.name,
    path: r.path,
    src_pathname: r.src_pathname,
    synthetic: r.synthetic,
    dir: r.dir,
    host: r.host,
    writer: writerOfRecord(r),
  });
}

/**
 * The events of a fleet stream (nats://, redis://, mqtt://), each id once: a record repeated by an
 * at-least-once hop (MQTT QoS 1, a re-send after a crash) is dropped by id (the last 100,000 remembered).
 * An EventSource for anything that takes events: `tswatch tail`, and the recipes.
 */
export async function* fleetEvents(config: SinkConfig, options: SourceOptions & { seen?: Set<string> } = {}): AsyncGenerator<FleetEvent> {
  const records = await fleetRecords(config, options);
  const seen = options.seen ?? new Set<string>();
  for await (const record of records) {
    if (seen.has(record.id)) continue;
    seen.add(record.id);
    if (seen.size > 100_000) seen.delete(seen.values().next().value!);
    yield { record, event: recordEvent(record), time: new Date(record.time) };
  }
}

const FOLLOWABLE = ['nats:', 'redis:', 'rediss:', 'mqtt:', 'mqtts:'];

/** A stream URL checked: one that can be followed (a broker that keeps what it is sent), or a clear error. */
export function streamUrl(text: string, what = 'source'): URL {
  const url = parseSinkUrl(text, what);
  if (!FOLLOWABLE.includes(url.protocol)) {
    throw new TswatchError(`${what}: '${text}' cannot be followed`, {
      code: 'EBADFLAG',
      hint: 'follow nats://HOST/SUBJECT, redis://HOST/STREAM or mqtt://HOST/TOPIC',
    });
  }
  return url;
}

/** The records of a fleet stream as the broker hands them over (repeats included). */
export async function fleetRecords(config: SinkConfig, options: SourceOptions = {}): Promise<AsyncIterable<FleetRecord>> {
  const url = streamUrl(config.url);
  switch (url.protocol) {
    case 'nats:':
      return (await import('./sources/nats-source.js')).natsRecords(url, config, options);
    case 'redis:':
    case 'rediss:':
      return (await import('./sources/redis-source.js')).redisRecords(url, config, options);
    default:
      return (await import('./sources/mqtt-source.js')).mqttRecords(url, config, options);
  }
}
