import type { RedisClientType } from 'redis';
import { credentials, loadOptional, tlsMaterial } from '../credentials.js';
import type { Sink, SinkConfig, SinkMessage } from '../sink.js';

type Redis = typeof import('redis');

/** Adds each record whose id was not seen within ARGV[1] seconds; one script call is atomic. */
const XADD_ONCE = `
local n = 0
for i = 2, #KEYS do
  if redis.call('SET', KEYS[i], '1', 'NX', 'EX', ARGV[1]) then
    local a = 3 + (i - 2) * 3
    redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'id', ARGV[a], 'host', ARGV[a + 1], 'event', ARGV[a + 2])
    n = n + 1
  end
end
return n`;

export function redisStream(url: URL): string {
  return decodeURIComponent(url.pathname.slice(1)) || 'tswatch:events';
}

/** A connected client (credentials from the environment or files, TLS for rediss://), or an error. */
export async function redisConnect(url: URL, config: SinkConfig): Promise<RedisClientType> {
  const { createClient } = await loadOptional<Redis>('redis', 'a redis:// sink or source');
  const cred = credentials('redis', url, config);
  const tls = tlsMaterial(config.tls);
  const client = createClient({
    url: `${url.protocol}//${url.hostname}:${url.port || 6379}`,
    ...(cred.user && { username: cred.user }),
    ...((cred.password ?? cred.token) && { password: cred.password ?? cred.token }),
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 5000,
      reconnectStrategy: false,
      ...(url.protocol === 'rediss:' && { tls: true, ...tls }),
    },
  }) as unknown as RedisClientType;
  client.on('error', () => {}); // failures reach the caller through the commands
  await client.connect();
  return client;
}

/**
 * XADD to a Redis stream (MAXLEN ~ maxLen), fields `id`, `host`, `event` (the JSON). A Lua script adds a
 * record only if its id is new (a `tswatch:dedup:<stream>:<id>` key with a TTL), so a re-send after a lost
 * reply or a crash is not added twice. Keys are named inside the script: standalone Redis, not Cluster.
 */
export class RedisSink implements Sink {
  readonly name: string;
  private client: RedisClientType | undefined;
  private readonly stream: string;

  constructor(
    private readonly url: URL,
    private readonly config: SinkConfig,
  ) {
    this.name = config.url;
    this.stream = redisStream(url);
  }

  async send(batch: SinkMessage[]): Promise<void> {
    if (!this.client?.isReady) {
      await this.close();
      this.client = await redisConnect(this.url, this.config);
    }
    const keys = [this.stream, ...batch.map((m) => `tswatch:dedup:${this.stream}:${m.record.id}`)];
    const args = [String(this.config.dedupSeconds ?? 86400), String(this.config.maxLen ?? 1_000_000)];
    for (const m of batch) args.push(m.record.id, m.record.host, m.json);
    await this.client.sendCommand(['EVAL', XADD_ONCE, String(keys.length), ...keys, ...args]);
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client?.isOpen) await client.quit().catch(() => client.disconnect().catch(() => {}));
  }
}
