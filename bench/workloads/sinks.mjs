// sinks: events/s from FleetPublisher.publish to the destination's acknowledgement, through the on-disk
// outbox, for each --sink kind (brokers started here on 127.0.0.1, stopped after). tswatch only.
// Run with `npm run bench -- --only sinks` (needs nats-server, redis-server, mosquitto).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as httpServer } from 'node:http';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../build.mjs';
import { fmt } from './common.mjs';
import { directRate } from './sink-direct.mjs';

const rate = (v) => Math.round(v).toLocaleString('en');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

const listening = (port) =>
  new Promise((resolve) => {
    const c = createConnection({ port, host: '127.0.0.1' });
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });

/** Start what the sink needs; resolves to { url, stop }. */
async function destination(kind, dir) {
  if (kind === 'jsonl') return { url: pathToFileURL(join(dir, 'events.jsonl')).href, stop: async () => {} };
  if (kind === 'http') {
    const server = httpServer((req, res) => req.resume().on('end', () => res.writeHead(204).end()));
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    return { url: `http://127.0.0.1:${server.address().port}/hook`, stop: () => new Promise((r) => server.close(r)) };
  }
  const port = await freePort();
  let cmd;
  if (kind === 'nats')
    cmd = ['nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', join(dir, 'js')], `nats://127.0.0.1:${port}/bench.events`];
  if (kind === 'redis')
    cmd = [
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''],
      `redis://127.0.0.1:${port}/bench.events`,
    ];
  if (kind === 'mqtt') {
    writeFileSync(
      join(dir, 'm.conf'),
      `listener ${port} 127.0.0.1\nallow_anonymous true\nmax_inflight_messages 0\nmax_queued_messages 0\n`,
    );
    cmd = ['mosquitto', ['-c', join(dir, 'm.conf')], `mqtt://127.0.0.1:${port}/bench/events`];
  }
  const child = spawn(cmd[0], cmd[1], { stdio: 'ignore' });
  const deadline = Date.now() + 10_000;
  while (!(await listening(port))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${cmd[0]} did not start`);
    await sleep(20);
  }
  return {
    url: cmd[2],
    stop: () =>
      new Promise((r) => {
        child.once('exit', r);
        child.kill('SIGTERM');
      }),
  };
}

export function sinks(kind, n) {
  return {
    id: `sinks-${kind}`,
    family: 'sinks',
    subjects: ['tswatch'],
    title: `sinks: ${n.toLocaleString('en')} events through the outbox to ${kind}`,
    columns: [
      ['events', 'acknowledged / sent', fmt.str],
      ['rate', 'events/s (publish → ack)', rate],
      ['wall', 'wall s', fmt.s],
      ['direct', 'plain client, no outbox: events/s', rate],
      ['cost', 'tswatch time ÷ plain client time', (v) => `${v.toFixed(2)}×`],
    ],
    async run() {
      const { FleetPublisher } = await import(pathToFileURL(join(ROOT, 'dist/recipes/fleet/index.js')).href);
      const { Event, IN_CREATE } = await import(pathToFileURL(join(ROOT, 'dist/src/index.js')).href);
      const { jsonRecord } = await import(pathToFileURL(join(ROOT, 'dist/handlers/event-format.js')).href);
      const event = (j) => new Event({ wd: 1, mask: IN_CREATE, name: `f${j}`, path: '/bench' });
      const dir = mkdtempSync(join(tmpdir(), `tswatch-bench-${kind}-`));
      const dest = await destination(kind, dir);
      try {
        const publisher = await FleetPublisher.open({
          sinks: [{ url: dest.url }],
          host: 'bench',
          outbox: { dir: join(dir, 'outbox'), maxBytes: 1 << 30 },
        });
        const t0 = performance.now();
        for (let i = 0; i < n; i += 1000) {
          for (let j = i; j < Math.min(n, i + 1000); j++) publisher.publish(event(j));
          publisher.flush();
          await new Promise((r) => setImmediate(r)); // let the drainer run, as a live watch would
        }
        while (publisher.status()[0].pending > 0) await sleep(5);
        const wall = (performance.now() - t0) / 1000;
        const [{ delivered }] = await publisher.close();
        // The same records to a neighbouring subject / stream / topic / file of the same destination.
        const records = Array.from({ length: n }, (_, j) =>
          JSON.stringify({ id: `bench:direct:${j + 1}`, host: 'bench', ...jsonRecord(event(j), new Date()) }),
        );
        const direct = await directRate(dest.url.replace(/events(\.jsonl)?$/, 'direct$1'), records);
        return { events: `${delivered} / ${n}`, ok: delivered === n, rate: n / wall, wall, direct, cost: direct / (n / wall) };
      } finally {
        await dest.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export const SINK_KINDS = ['jsonl', 'http', 'nats', 'redis', 'mqtt'];
