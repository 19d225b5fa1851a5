import type { Consumer, JsMsg, NatsConnection } from 'nats';
import { TswatchError } from '../../../src/index.js';
import { ensureStream, natsConnect, natsTarget } from '../sinks/nats-sink.js';
import type { FleetRecord, SinkConfig } from '../sink.js';
import type { SourceOptions } from './source-options.js';
import { parseRecord } from './parse-record.js';

type Nats = typeof import('nats');

/**
 * Records from a JetStream stream: from now, or from `since` (the stream keeps history); with `durable`,
 * through the named durable consumer, resuming where it stopped. The client reconnects by itself.
 */
export async function* natsRecords(url: URL, config: SinkConfig, options: SourceOptions): AsyncGenerator<FleetRecord> {
  if (options.durable !== undefined) checkDurableName(options.durable);
  const { nats, nc } = await natsConnect(url, config);
  try {
    const { subject, stream } = natsTarget(url, config);
    const name = await ensureStream(nc, subject, stream);
    if (options.durable !== undefined) {
      yield* durableRecords(nats, nc, name, subject, options.durable, options);
      return;
    }
    // A push ordered consumer (flow control, gap detection and re-creation are the client's): the pull
    // `consumers` API hangs on nats-server 2.9, which Debian 12 ships.
    const opts = nats.consumerOpts().orderedConsumer();
    if (options.since === undefined) opts.deliverNew();
    else opts.startTime(options.since);
    const messages = await nc.jetstream().subscribe(subject, opts);
    options.signal?.addEventListener('abort', () => messages.unsubscribe(), { once: true });
    options.onReady?.();
    for await (const m of messages) {
      const record = parseRecord(m.string(), options);
      if (record) yield record;
    }
  } finally {
    await nc.close();
  }
}

/** JetStream consumer names: no '.', '*', '>' nor white space. */
function checkDurableName(name: string): void {
  if (!/^[^.*>\s]+$/.test(name)) {
    throw new TswatchError(`--durable: '${name}' cannot name a NATS consumer`, {
      code: 'EBADFLAG',
      hint: "use letters, digits, '-' and '_' (no '.', '*', '>' or spaces)",
    });
  }
}

/**
 * A durable pull consumer (explicit acks), created on first use at `since` or at new messages. Records
 * come in bounded fetches (one pull request each, ending when full or after a second), and each fetch is
 * read to its end even when stopping: what was not consumed is nak'ed there, so a successor under the
 * same name gets it at once instead of after the ack wait (30 s). Only a crash leaves records waiting
 * that long. Tried on nats-server 2.9.10 (Debian 12's): a push durable hung there; `consume()` works but
 * pre-fetches more than it hands out, and a stop leaves those to the ack wait (measured: 30 s).
 */
async function* durableRecords(
  nats: Nats,
  nc: NatsConnection,
  stream: string,
  subject: string,
  durable: string,
  options: SourceOptions,
): AsyncGenerator<FleetRecord> {
  const jsm = await nc.jetstreamManager();
  await jsm.consumers.info(stream, durable).catch(() =>
    jsm.consumers.add(stream, {
      durable_name: durable,
      filter_subject: subject,
      ack_policy: nats.AckPolicy.Explicit,
      ...(options.since === undefined
        ? { deliver_policy: nats.DeliverPolicy.New }
        : { deliver_policy: nats.DeliverPolicy.StartTime, opt_start_time: options.since.toISOString() }),
    }),
  );
  const consumer: Consumer = await nc.jetstream().consumers.get(stream, durable);
  options.onReady?.();
  let held: JsMsg | undefined; // yielded, not yet acknowledged
  let fetch: AsyncIterator<JsMsg> | undefined; // read until it ends, even when stopping
  let delay = 100;
  try {
    while (!options.signal?.aborted) {
      try {
        fetch = (await consumer.fetch({ max_messages: 256, expires: 1000 }))[Symbol.asyncIterator]();
        delay = 100;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, delay)); // reconnecting
        delay = Math.min(delay * 2, 5000);
        continue;
      }
      for (let r = await next(fetch); !r.done; r = await next(fetch)) {
        if (options.signal?.aborted) {
          r.value.nak();
          continue;
        }
        held = r.value;
        const record = parseRecord(held.string(), options);
        if (record) yield record;
        held.ack();
        held = undefined;
      }
      fetch = undefined;
    }
  } finally {
    held?.nak();
    if (fetch) for (let r = await next(fetch); !r.done; r = await next(fetch)) r.value.nak();
    await nc.flush().catch(() => {});
  }
}

/** The next message of a fetch; a fetch cut by a lost connection just ends (the loop fetches again). */
const next = (fetch: AsyncIterator<JsMsg>): Promise<IteratorResult<JsMsg>> =>
  fetch.next().catch((): IteratorResult<JsMsg> => ({ done: true, value: undefined }));
