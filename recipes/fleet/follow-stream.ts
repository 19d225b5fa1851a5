import { setTimeout as sleep } from 'node:timers/promises';
import { type Event, TswatchError } from '../../src/index.js';
import { fleetEvents } from './fleet-source.js';
import { shownUrl } from './open-sink.js';
import type { SinkConfig } from './sink.js';

/** A fleet stream to follow: which, from when, under which durable consumer. */
export interface StreamToFollow {
  config: SinkConfig;
  durable?: string | undefined;
  since?: Date | undefined;
}

export interface FollowedStream {
  /** Stop reading (what was handed over stays handed over); resolves once the reading loop has ended. */
  stop(timeoutMs?: number): Promise<void>;
}

/** How long a broker may take to accept the subscription before following it fails. */
const START_TIMEOUT_MS = 10_000;
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 30_000;

/**
 * Follow a fleet stream, handing each event (and the time it happened) to `onEvent`. Resolves once
 * subscribed; throws (a TswatchError naming the URL) when the broker cannot be reached now. The broker
 * clients reconnect by themselves; a stream that fails later anyway (a record that is not JSON, a
 * permission taken away) goes to `onError` and is opened again with backoff, never fatal: a durable
 * consumer resumes where it stopped; otherwise it is read from now on (`since` is for the first start),
 * so what was published meanwhile is missed, and the message says so.
 */
export async function followStream(
  stream: StreamToFollow,
  onEvent: (event: Event, time: Date) => void,
  onError: (err: Error) => void,
): Promise<FollowedStream> {
  const { config, durable } = stream;
  const url = shownUrl(config.url);
  const abort = new AbortController();
  const signal = abort.signal;
  let since = stream.since;
  let subscribed!: () => void;
  const ready = new Promise<void>((resolve) => (subscribed = resolve));
  let up = false;
  let delay = RETRY_MIN_MS;
  const onReady = (): void => {
    up = true;
    delay = RETRY_MIN_MS;
    subscribed();
  };
  const reading = (async () => {
    while (!signal.aborted) {
      try {
        const events = fleetEvents(config, { signal, onReady, ...(since && { since }), ...(durable !== undefined && { durable }) });
        for await (const { event, time } of events) onEvent(event, time);
        if (signal.aborted) return;
        throw new Error('the stream ended');
      } catch (err) {
        if (!up || signal.aborted) throw err;
        const missed = durable === undefined ? ' (events published meanwhile are missed: a durable consumer gets them)' : '';
        onError(new Error(`${url}: ${err instanceof Error ? err.message : String(err)}; following it again in ${delay / 1000} s${missed}`));
      }
      since = durable === undefined ? undefined : since;
      await sleep(delay, undefined, { signal }).catch(() => {});
      delay = Math.min(delay * 2, RETRY_MAX_MS);
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
  });
  try {
    await Promise.race([ready, reading, timeout]);
  } catch (err) {
    abort.abort();
    reading.catch(() => {});
    if (err instanceof TswatchError) throw err;
    throw new TswatchError(`cannot follow ${url}: ${err instanceof Error ? err.message : String(err)}`, {
      code: 'ECONNREFUSED',
      hint: 'check that the broker runs and that the URL (host, port, subject or stream) is right; credentials as for --sink (TSWATCH_NATS_TOKEN, TSWATCH_REDIS_PASSWORD, …)',
      cause: err,
    });
  } finally {
    clearTimeout(timer);
  }
  return {
    async stop(timeoutMs = 2000) {
      abort.abort();
      // A client stuck on a broker that went away must not hold up the shutdown.
      await Promise.race([reading.catch(() => {}), sleep(timeoutMs, undefined, { ref: false })]);
    },
  };
}
