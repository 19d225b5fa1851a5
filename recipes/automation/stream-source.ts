import { setTimeout as sleep } from 'node:timers/promises';
import picomatch from 'picomatch';
import { type Event, TswatchError, type WatchSpec } from '../../src/index.js';
import { parseSince } from '../fleet/parse-since.js';
import type { SinkConfig } from '../fleet/sink.js';
import type { SourceListener, UnitSource } from './unit-source.js';

/** A fleet stream as a watch's input (`from:` in a config file, `tswatch exec --from`). */
export interface StreamInput {
  /** The stream, named as a sink is (URL; credential and TLS files). */
  sink: SinkConfig;
  /** picomatch globs on the origin host (`event.host`); absent: every host. */
  hosts?: string[] | undefined;
  /** A durable consumer's name: what was published while the watch was down comes when it is back. */
  durable?: string | undefined;
  /** Start this far back, as written (ISO time, or 15m / 2h / 7d ago): read each time the watch starts. */
  since?: string | undefined;
}

/** How long the broker may take to accept the subscription before the watch fails to start. */
const START_TIMEOUT_MS = 10_000;

/** The URL without a password, for messages and `ctl status`. */
function shown(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.href;
  } catch {
    return url;
  }
}

/**
 * Events from a fleet stream (nats://, redis://, mqtt://), filtered as a local watch filters: `events`,
 * include/exclude on the path, glob/ignore relative to `paths` (prefixes of the remote paths; '/' when
 * none), dirs/onlyDirs, plus the origin host. Nothing is watched locally. The broker clients reconnect by
 * themselves; a stream that fails later anyway is reported and opened again (with backoff), never fatal.
 */
export class StreamSource implements UnitSource {
  readonly fence = undefined;
  private readonly abort = new AbortController();
  private pump: Promise<void> | undefined;
  private readonly selects: (event: Event) => boolean;

  constructor(
    private readonly input: StreamInput,
    spec: WatchSpec,
  ) {
    const host = input.hosts?.length ? picomatch(input.hosts, { dot: true }) : () => true;
    const prefixes = spec.paths.map((p) => (p.endsWith('/') ? p : `${p}/`));
    const under = (path: string): boolean => prefixes.some((prefix) => path.startsWith(prefix) || `${path}/` === prefix);
    this.selects = (event) => (event.mask & spec.mask) !== 0 && host(event.host ?? '') && under(event.pathname) && spec.accepts(event);
  }

  async start(listener: SourceListener): Promise<void> {
    const { fleetEvents } = await import('../fleet/fleet-source.js');
    const { sink, durable } = this.input;
    const signal = this.abort.signal;
    let since = this.input.since === undefined ? undefined : parseSince(this.input.since);
    let subscribed!: () => void;
    const ready = new Promise<void>((resolve) => (subscribed = resolve));
    let up = false;
    let delay = 500;
    const onReady = (): void => {
      up = true;
      delay = 500;
      subscribed();
    };
    this.pump = (async () => {
      while (!signal.aborted) {
        try {
          const events = fleetEvents(sink, { signal, onReady, ...(since && { since }), ...(durable !== undefined && { durable }) });
          for await (const { event } of events) if (this.selects(event)) listener.event(event);
          if (signal.aborted) return;
          throw new Error('the stream ended');
        } catch (err) {
          if (!up || signal.aborted) throw err;
          const why = err instanceof Error ? err.message : String(err);
          listener.error(new Error(`${shown(sink.url)}: ${why}; following it again in ${delay / 1000} s${durable === undefined ? ' (events published meanwhile are missed: a durable consumer gets them)' : ''}`));
        }
        since = durable === undefined ? undefined : since; // once, at the first start: then from now (or where the consumer stopped)
        await sleep(delay, undefined, { signal }).catch(() => {});
        delay = Math.min(delay * 2, 30_000);
      }
    })();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    });
    try {
      await Promise.race([ready, this.pump, timeout]);
    } catch (err) {
      if (err instanceof TswatchError) throw err;
      throw new TswatchError(`cannot follow ${shown(sink.url)}: ${err instanceof Error ? err.message : String(err)}`, {
        code: 'ECONNREFUSED',
        hint: 'check that the broker runs and that the URL (host, port, subject or stream) is right; credentials as for --sink (TSWATCH_NATS_TOKEN, TSWATCH_REDIS_PASSWORD, …)',
        cause: err,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  get running(): boolean {
    return this.pump !== undefined && !this.abort.signal.aborted;
  }

  /** Stop taking events; every event received so far has been delivered once the loop has ended. */
  async drain(timeoutMs: number): Promise<void> {
    this.abort.abort();
    await Promise.race([this.pump?.catch(() => {}), sleep(timeoutMs, undefined, { ref: false })]);
  }

  close(): void {
    this.abort.abort();
    this.pump?.catch(() => {});
  }

  status(): { backend: string; watches: number; from: string } {
    return { backend: new URL(this.input.sink.url).protocol.slice(0, -1), watches: 0, from: shown(this.input.sink.url) };
  }
}
