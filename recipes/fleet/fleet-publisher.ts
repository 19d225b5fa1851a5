import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { jsonRecord } from '../../handlers/event-format.js';
import { type Event, TswatchError } from '../../src/index.js';
import { sinkName } from './credentials.js';
import { EventOutbox, type FsyncPolicy } from './event-outbox.js';
import { makeDirs } from '../make-dirs.js';
import { openSink } from './open-sink.js';
import type { Sink, SinkConfig } from './sink.js';
import { SinkDrainer } from './sink-drainer.js';

/** Fleet publishing as plain data: what `--sink/--host/--outbox` give and a `sinks:` config key can hold. */
export interface FleetOptions {
  sinks: SinkConfig[];
  /** Names this machine in every record (default: os.hostname()). */
  host?: string;
  outbox?: { dir?: string; maxBytes?: number; fsync?: FsyncPolicy };
  batchSize?: number;
  retryMinMs?: number;
  retryMaxMs?: number;
}

export interface SinkStatus {
  sink: string;
  pending: number;
  delivered: number;
  dropped: number;
}

export function defaultOutboxDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TSWATCH_OUTBOX) return env.TSWATCH_OUTBOX;
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'tswatch', 'outbox');
}

/** A directory name for a sink's outbox: readable, credentials left out, unique by hash. */
function outboxName(url: string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  const hash = createHash('sha256').update(u.href).digest('hex').slice(0, 8);
  return `${u.href
    .replace(/^[a-z]+:\/\//, `${u.protocol.slice(0, -1)}_`)
    .replace(/[^A-Za-z0-9.-]+/g, '_')
    .slice(0, 60)}-${hash}`;
}

/** One tswatch process per outbox: a `lock` file with its pid (a dead owner's lock is taken over). */
function lockOutbox(dir: string): () => void {
  const file = join(dir, 'lock');
  try {
    makeDirs(dir);
  } catch (err) {
    throw new TswatchError(`outbox ${dir}: ${(err as Error).message}`, {
      code: (err as NodeJS.ErrnoException).code ?? 'EIO',
      path: dir,
      hint: 'give --outbox a directory you can write to (one per tswatch process)',
    });
  }
  for (;;) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      return () => unlinkSync(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const pid = Number(readFileSync(file, 'utf8'));
    let alive = pid > 0;
    try {
      if (alive) process.kill(pid, 0);
    } catch (err) {
      alive = (err as NodeJS.ErrnoException).code === 'EPERM';
    }
    if (alive) {
      throw new TswatchError(`outbox ${dir} is in use by process ${pid}`, {
        code: 'EBUSY',
        path: dir,
        hint: 'give each tswatch process its own --outbox DIR',
      });
    }
    unlinkSync(file);
  }
}

/**
 * Sends events to every sink through an on-disk outbox per sink: `publish` appends (on the next turn of
 * the event loop, one write per burst), a drainer per sink sends and acknowledges. Each record is the
 * `--json` object plus `host` and `id` = HOST:INSTANCE:SEQ, INSTANCE new at every start (time + random),
 * so ids never repeat and a record keeps its id through re-sends and restarts.
 */
export class FleetPublisher {
  readonly host: string;
  private readonly instance = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  private seq = 0;
  private buffered: string[] = [];
  private scheduled = false;

  private constructor(
    private readonly lanes: Array<{ outbox: EventOutbox; drainer: SinkDrainer }>,
    host: string,
    private readonly unlock: () => void,
  ) {
    this.host = host;
  }

  static async open(options: FleetOptions, say: (text: string) => void = () => {}): Promise<FleetPublisher> {
    const dir = options.outbox?.dir ?? defaultOutboxDir();
    const unlock = lockOutbox(dir);
    let sinks: Sink[];
    try {
      sinks = await Promise.all(options.sinks.map((config) => openSink(config)));
    } catch (err) {
      unlock();
      throw err;
    }
    const lanes = options.sinks.map((config, i) => {
      const outbox = new EventOutbox({ ...options.outbox, dir: join(dir, outboxName(config.url)) }, (count, total) =>
        say(`sink ${sinkName(config.url)}: outbox full, dropped the ${count} oldest events (${total} dropped since start)`),
      );
      if (outbox.pending > 0) say(`sink ${sinkName(config.url)}: ${outbox.pending} events from before are waiting in the outbox`);
      return { outbox, drainer: new SinkDrainer(outbox, sinks[i]!, { ...options, say }) };
    });
    return new FleetPublisher(lanes, options.host ?? hostname(), unlock);
  }

  publish(event: Event, now = new Date()): void {
    const id = `${this.host}:${this.instance}:${++this.seq}`;
    this.buffered.push(JSON.stringify({ id, host: this.host, ...absolutePaths(jsonRecord(event, now)) }));
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Append what `publish` buffered to every outbox now. */
  flush(): void {
    this.scheduled = false;
    if (this.buffered.length === 0) return;
    for (const { outbox, drainer } of this.lanes) {
      outbox.append(this.buffered);
      drainer.poke();
    }
    this.buffered = [];
  }

  status(): SinkStatus[] {
    return this.lanes.map(({ outbox, drainer }) => ({
      sink: drainer.name,
      pending: outbox.pending,
      delivered: drainer.delivered,
      dropped: outbox.dropped,
    }));
  }

  /** Give the sinks up to `drainMs` to take what is waiting, then stop; the rest stays for next time. */
  async close(drainMs = 2000): Promise<SinkStatus[]> {
    this.flush();
    await Promise.all(this.lanes.map(({ drainer }) => drainer.drained(drainMs)));
    const status = this.status();
    await Promise.all(this.lanes.map(({ drainer }) => drainer.close()));
    this.unlock();
    return status;
  }
}

const PATH_FIELDS = ['path', 'pathname', 'src_pathname', 'src'] as const;

/** A record is read on other hosts, where this agent's working directory means nothing: its paths are absolute. */
function absolutePaths(record: Record<string, unknown>): Record<string, unknown> {
  for (const field of PATH_FIELDS) {
    const value = record[field];
    if (typeof value === 'string' && !value.startsWith('/')) record[field] = resolve(value);
  }
  return record;
}
