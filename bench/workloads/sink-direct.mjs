// The baseline for the sinks workload: the same records sent with the plain client library, batches of
// 500 awaited as tswatch's drainer does, but no outbox (what a hand-written forwarder does, and why it
// loses what is in flight when the broker or the process goes away).
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BATCH = 500;

/** `send(batch of JSON strings)` and `close()` for one destination URL, without tswatch in between. */
async function client(url) {
  const u = new URL(url);
  const path = decodeURIComponent(u.pathname.slice(1));
  switch (u.protocol) {
    case 'file:': {
      const fd = openSync(fileURLToPath(u), 'a');
      return {
        send: (lines) => writeSync(fd, `${lines.join('\n')}\n`),
        close: () => {
          fsyncSync(fd);
          closeSync(fd);
        },
      };
    }
    case 'http:':
      return {
        send: async (lines) => {
          const res = await fetch(u, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `[${lines.join(',')}]` });
          await res.arrayBuffer();
        },
        close: () => {},
      };
    case 'nats:': {
      const { connect } = await import('nats');
      const nc = await connect({ servers: `${u.hostname}:${u.port}` });
      await (await nc.jetstreamManager()).streams.add({ name: 'DIRECT', subjects: [path] });
      const js = nc.jetstream();
      let n = 0;
      return {
        send: (lines) => Promise.all(lines.map((l) => js.publish(path, Buffer.from(l), { msgID: `direct-${++n}` }))),
        close: () => nc.close(),
      };
    }
    case 'redis:': {
      const { createClient } = await import('redis');
      const c = createClient({ url: `redis://${u.hostname}:${u.port}` });
      await c.connect();
      return {
        send: (lines) => {
          const multi = c.multi();
          for (const l of lines)
            multi.xAdd(path, '*', { event: l }, { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: 1_000_000 } });
          return multi.exec();
        },
        close: () => c.quit(),
      };
    }
    case 'mqtt:': {
      const { connectAsync } = await import('mqtt');
      const c = await connectAsync(`mqtt://${u.hostname}:${u.port}`);
      return { send: (lines) => Promise.all(lines.map((l) => c.publishAsync(path, l, { qos: 1 }))), close: () => c.endAsync() };
    }
    default:
      throw new Error(`no direct client for ${url}`);
  }
}

/** Events/s sending `records` (JSON strings) to `url` with the plain client. */
export async function directRate(url, records) {
  const c = await client(url);
  const t0 = performance.now();
  for (let i = 0; i < records.length; i += BATCH) await c.send(records.slice(i, i + BATCH));
  const rate = records.length / ((performance.now() - t0) / 1000);
  await c.close();
  return rate;
}
