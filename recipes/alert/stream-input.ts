import { type Event, TswatchError } from '../../src/index.js';
import type { ResolvedStream } from './alert-options.js';

/** A fleet stream being followed. */
export interface StreamInput {
  /** Stop reading (what was handed over stays handed over); resolves once the stream is closed. */
  stop(): Promise<void>;
}

const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 30_000;

/** The URL for messages: a password in it shown as ***. */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.href;
  } catch {
    return url;
  }
}

function streamError(url: string, err: unknown, hint: string): TswatchError {
  if (err instanceof TswatchError) return err;
  return new TswatchError(`stream ${shownUrl(url)}: ${(err as Error)?.message ?? String(err)}`, { code: 'EBROKER', hint, cause: err });
}

/**
 * Follows a fleet stream, handing each event (with the time it happened) to `onEvent`. Resolves once
 * subscribed, or throws when the broker cannot be reached now. Later failures go to `onError` and the
 * stream is opened again with backoff (1 s … 30 s): a durable consumer resumes where it stopped, else
 * it starts again at the last event's time. The broker clients are loaded only here.
 */
export async function followStream(
  stream: ResolvedStream,
  onEvent: (event: Event, time: number) => void,
  onError: (err: TswatchError) => void,
): Promise<StreamInput> {
  const { fleetEvents } = await import('../fleet/index.js');
  const { url } = stream.config;
  const abort = new AbortController();
  // Opened again, a stream that keeps history is read from the last event's time (a record of that very
  // millisecond may come twice); MQTT keeps none.
  const history = !/^mqtts?:/i.test(url);
  let since = stream.since;
  const read = async (onReady: () => void): Promise<void> => {
    const events = fleetEvents(stream.config, {
      signal: abort.signal,
      onReady,
      ...(stream.durable !== undefined && { durable: stream.durable }),
      ...(since !== undefined && { since }),
    });
    for await (const { event, time } of events) {
      if (abort.signal.aborted) return;
      if (history) since = time;
      onEvent(event, time.getTime());
    }
  };

  let ready!: () => void;
  const subscribed = new Promise<void>((resolve) => (ready = resolve));
  const first = read(ready);
  try {
    await Promise.race([subscribed, first]);
  } catch (err) {
    abort.abort();
    throw streamError(
      url,
      err,
      'start the broker or correct the URL (host, port, subject or stream); credentials as for --sink (TSWATCH_NATS_TOKEN, TSWATCH_REDIS_PASSWORD, …)',
    );
  }

  const keepReading = async (current: Promise<void>): Promise<void> => {
    let delay = RETRY_MIN_MS;
    for (;;) {
      const err = await current.then(
        () => new Error('the stream ended'),
        (e: unknown) => e,
      );
      if (abort.signal.aborted) return;
      onError(streamError(url, err, `following it again in ${delay / 1000} s`));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        abort.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
      if (abort.signal.aborted) return;
      delay = Math.min(delay * 2, RETRY_MAX_MS);
      current = read(() => (delay = RETRY_MIN_MS));
    }
  };
  const reading = keepReading(first);
  return {
    async stop() {
      abort.abort();
      // A client stuck on a broker that went away must not hold up the shutdown.
      await Promise.race([reading, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    },
  };
}
