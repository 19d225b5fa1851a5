import picomatch from 'picomatch';
import type { Event, WatchSpec } from '../src/index.js';
import type { FollowedStream } from '../recipes/fleet/follow-stream.js';
import { sinkName } from '../recipes/fleet/credentials.js';
import { parseSince } from '../recipes/fleet/parse-since.js';
import type { SinkConfig } from '../recipes/fleet/sink.js';
import { selectsEvent } from './scanned-files.js';
import type { SourceListener, UnitSource } from './unit-source.js';

/** A fleet stream as a watch's input (`stream:` in a config file, `tswatch exec --stream`). */
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

/**
 * Events from a fleet stream (nats://, redis://, mqtt://; see followStream), filtered as a local watch
 * filters: `events`, include/exclude on the path, glob/ignore relative to `paths` (prefixes of the remote
 * paths; '/' when none), dirs/onlyDirs, plus the origin host. Nothing is watched locally.
 */
export class StreamSource implements UnitSource {
  readonly fence = undefined;
  private stream: FollowedStream | undefined;
  private stopped = false;
  private readonly selects: (event: Event) => boolean;

  constructor(
    private readonly input: StreamInput,
    spec: WatchSpec,
  ) {
    const host = input.hosts?.length ? picomatch(input.hosts, { dot: true }) : () => true;
    const prefixes = spec.paths.map((p) => (p.endsWith('/') ? p : `${p}/`));
    const under = (path: string): boolean => prefixes.some((prefix) => path.startsWith(prefix) || `${path}/` === prefix);
    this.selects = (event) => selectsEvent(spec.mask, event) && host(event.host ?? '') && under(event.pathname) && spec.accepts(event);
  }

  async start(listener: SourceListener): Promise<void> {
    const { followStream } = await import('../recipes/fleet/follow-stream.js');
    const { sink, durable, since } = this.input;
    this.stream = await followStream(
      { config: sink, durable, since: since === undefined ? undefined : parseSince(since) },
      (event) => this.selects(event) && listener.event(event),
      (err) => listener.error(err),
    );
  }

  get running(): boolean {
    return this.stream !== undefined && !this.stopped;
  }

  /** Stop taking events; every event received so far has been delivered once the loop has ended. */
  async drain(timeoutMs: number): Promise<void> {
    this.stopped = true;
    await this.stream?.stop(timeoutMs);
  }

  close(): void {
    this.stopped = true;
    void this.stream?.stop();
  }

  status(): { backend: string; watches: number; stream: string } {
    return { backend: new URL(this.input.sink.url).protocol.slice(0, -1), watches: 0, stream: sinkName(this.input.sink.url) };
  }
}
