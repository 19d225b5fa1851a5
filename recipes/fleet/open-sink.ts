import { TswatchError } from '../../src/index.js';
import type { Sink, SinkConfig } from './sink.js';

export const SINK_SCHEMES = ['nats:', 'redis:', 'rediss:', 'mqtt:', 'mqtts:', 'http:', 'https:', 'file:'] as const;

export const SINK_URL_HELP =
  'nats://HOST:4222/SUBJECT, redis://HOST:6379/STREAM, mqtt://HOST:1883/TOPIC, http(s)://HOST/PATH, file:///PATH.jsonl or file:///PATH.csv';

/** A sink or source URL, checked; the error names it and the forms that work. */
export function parseSinkUrl(text: string, what = '--sink'): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TswatchError(`${what}: '${text}' is not a URL`, { code: 'EBADFLAG', hint: `give one of ${SINK_URL_HELP}` });
  }
  if (!(SINK_SCHEMES as readonly string[]).includes(url.protocol)) {
    throw new TswatchError(`${what}: '${text}': unknown scheme '${url.protocol}'`, {
      code: 'EBADFLAG',
      hint: `give one of ${SINK_URL_HELP}`,
    });
  }
  // file:x.jsonl and file://x/y would silently mean /x.jsonl and a remote host: say so instead.
  if (url.protocol === 'file:' && !/^file:\/\/(localhost)?\//i.test(text)) {
    throw new TswatchError(`${what}: '${text}' is not an absolute file URL`, {
      code: 'EBADFLAG',
      hint: 'give file:///ABSOLUTE/PATH.jsonl: three slashes, a relative path has no URL form',
    });
  }
  if (url.protocol === 'file:' && (url.pathname === '/' || url.pathname.endsWith('/'))) {
    throw new TswatchError(`${what}: '${text}' names a directory`, {
      code: 'EBADFLAG',
      hint: 'give a file: file:///var/log/tswatch/events.jsonl',
    });
  }
  return url;
}

/** The sink for a config, its module (and broker client package) loaded only now. */
export async function openSink(config: SinkConfig): Promise<Sink> {
  const url = parseSinkUrl(config.url);
  switch (url.protocol) {
    case 'nats:':
      return new (await import('./sinks/nats-sink.js')).NatsSink(url, config);
    case 'redis:':
    case 'rediss:':
      return new (await import('./sinks/redis-sink.js')).RedisSink(url, config);
    case 'mqtt:':
    case 'mqtts:':
      return new (await import('./sinks/mqtt-sink.js')).MqttSink(url, config);
    case 'http:':
    case 'https:':
      return new (await import('./sinks/http-sink.js')).HttpSink(url, config);
    default:
      return new (await import('./sinks/file-sink.js')).FileSink(url, config);
  }
}
