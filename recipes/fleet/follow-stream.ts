import { setTimeout as sleep } from 'node:timers/promises';
import { type Event, TswatchError } from '../../src/index.js';
import { fleetEvents } from './fleet-source.js';
import { sinkName } from './credentials.js';
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
/** Opened again without a durable consumer, a stream that keeps history is read from this long before
 * the last event (agents' clocks differ); what was already handed over is skipped by id. */
const REOPEN_OVERLAP_MS = 5000;

function streamError(url: string, err: unknown, hint: string): TswatchError {
  if (err instanceof TswatchError) return err;
  return new TswatchError(`stream ${url}: ${err instanceof Error ? err.message : String(err)}`, { code: 'EBROKER', hint, cause: err });
}

/**
 * Follow a fleet stream, handing each event (and the time it happened) to `onEvent`: what `tswatch exec
 * --stream`, a `stream:` watch and `tswatch alert --stream` read. Resolves once subscribed; throws (a
 * TswatchError naming the URL) when the broker cannot be reached now. The broker clients reconnect by
 * themselves; a message that is not a tswatch record is passed over (said through `onError`); a stream
 * that fails anyway (a permission taken away, the key replaced) goes to `onError`
 * and is opened again with backoff, never fatal: a durable consumer resumes where it stopped; otherwise
 * NATS and Redis are read again from a little before the last event (repeats skipped by id) and MQTT,
 * which keeps no history, from now (the message says what is missed).
 */
export async function followStream(
  stream: StreamToFollow,
  onEvent: (event: Event, time: Date) => void,
  onError: (err: TswatchError) => void,
): Promise<FollowedStream> {
  const { config, durable } = stream;
  const url = sinkName(config.url);
  const history = !/^mqtts?:/i.test(config.url);
  const abort = new AbortController();
  const signal = abort.signal;
  let since = stream.since;
  let last: Date | undefined;
  const seen = new Set<string>(); // across openings: a record read again after a reopen is not handed over twice
  let subscribed!: () => void;
  const ready = new Promise<void>((resolve) => (subscribed = resolve));
  let up = false;
  let delay = RETRY_MIN_MS;
  const onReady = (): void => {
    up = true;
    delay = RETRY_MIN_MS;
    subscribed();
  };
  const onSkip = (why: string): void =>
    onError(
      new TswatchError(`stream ${url}: ${why}`, {
        code: 'EBADRECORD',
        hint: 'only tswatch --sink agents should publish there; the stream goes on',
      }),
    );
  const reading = (async () => {
    while (!signal.aborted) {
      try {
        const events = fleetEvents(config, {
          signal,
          onReady,
          onSkip,
          seen,
          ...(since && { since }),
          ...(durable !== undefined && { durable }),
        });
        for await (const { event, time } of events) {
          last = time;
          onEvent(event, time);
        }
        if (signal.aborted) return;
        throw new Error('the stream ended');
      } catch (err) {
        if (!up || signal.aborted) throw err;
        const missed = durable === undefined && !history ? ' (events published meanwhile are missed: a durable consumer gets them)' : '';
        onError(streamError(url, err, `following it again in ${delay / 1000} s${missed}`));
      }
      if (durable === undefined) since = history && last ? new Date(last.getTime() - REOPEN_OVERLAP_MS) : undefined;
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
    throw streamError(
      url,
      err,
      'start the broker or correct the URL (host, port, subject or stream); credentials as for --sink (TSWATCH_NATS_TOKEN, TSWATCH_REDIS_PASSWORD, …)',
    );
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
