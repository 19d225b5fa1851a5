import { ensureStream, natsConnect, natsTarget } from '../sinks/nats-sink.js';
import type { FleetRecord, SinkConfig } from '../sink.js';
import type { SourceOptions } from './source-options.js';

/**
 * Records from a JetStream stream through an ordered consumer: from now, or from `since` (the stream
 * keeps history). The client reconnects by itself; the consumer resumes where it was.
 */
export async function* natsRecords(url: URL, config: SinkConfig, options: SourceOptions): AsyncGenerator<FleetRecord> {
  const { nats, nc } = await natsConnect(url, config);
  try {
    const { subject, stream } = natsTarget(url, config);
    await ensureStream(nc, subject, stream);
    // A push ordered consumer (flow control, gap detection and re-creation are the client's): the pull
    // `consumers` API hangs on nats-server 2.9, which Debian 12 ships.
    const opts = nats.consumerOpts().orderedConsumer();
    if (options.since === undefined) opts.deliverNew();
    else opts.startTime(options.since);
    const messages = await nc.jetstream().subscribe(subject, opts);
    options.signal?.addEventListener('abort', () => messages.unsubscribe(), { once: true });
    options.onReady?.();
    for await (const m of messages) yield JSON.parse(m.string()) as FleetRecord;
  } finally {
    await nc.close();
  }
}
