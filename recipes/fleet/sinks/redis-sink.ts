import type { RedisClientType } from 'redis';
import { brokerError, credentials, loadOptional, sinkName, tlsMaterial } from '../credentials.js';
import type { LinkListener, Sink, SinkConfig, SinkMessage } from '../sink.js';

type Redis = typeof import('redis');

/**
 * Adds each record unless its sequence number is not above the last one added for its agent instance
 * (id HOST:INSTANCE:SEQ; KEYS[2] is a hash INSTANCE-prefix → last SEQ). An agent's outbox sends in order,
 * so a re-send (lost reply, restart after a crash) is exactly the records already added. One script call
 * is atomic.
 */
const XADD_ONCE = `
local n = 0
for a = 2, #ARGV, 3 do
  local prefix, seq = string.match(ARGV[a], '^(.*):(%d+)$')
  local fresh = true
  if prefix then
    fresh = tonumber(seq) > tonumber(redis.call('HGET', KEYS[2], prefix) or '0')
    if fresh then redis.call('HSET', KEYS[2], prefix, seq) end
  end
  if fresh then
    redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'id', ARGV[a], 'host', ARGV[a + 1], 'event', ARGV[a + 2])
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
  try {
    await client.connect();
    await client.ping(); // no password where one is needed: NOAUTH now, not at the first command
  } catch (err) {
    if (client.isOpen) await client.disconnect().catch(() => {});
    throw brokerError('redis', sinkName(config.url), err);
  }
  return client;
}

/**
 * XADD to a Redis stream (MAXLEN ~ maxLen), fields `id`, `host`, `event` (the JSON). A Lua script skips
 * records already added (the hash `<stream>:tswatch-seen` keeps each agent instance's last sequence
 * number: one small field per agent start), so a re-send after a lost reply or a crash is not added twice.
 */
export class RedisSink implements Sink {
  readonly name: string;
  private client: RedisClientType | undefined;
  private readonly stream: string;
  private link: LinkListener | undefined;

  constructor(
    private readonly url: URL,
    private readonly config: SinkConfig,
  ) {
    this.name = sinkName(config.url);
    this.stream = redisStream(url);
  }

  async send(batch: SinkMessage[]): Promise<void> {
    if (!this.client?.isReady) {
      await this.close();
      const client = await redisConnect(this.url, this.config);
      // It does not reconnect by itself (the next send does): a connection lost while idle is said now.
      client.on('end', () => this.client === client && this.link?.(false));
      this.client = client;
    }
    if (batch.length === 0) return; // a check: connected, and PING answered
    const args = [String(this.config.maxLen ?? 1_000_000)];
    for (const m of batch) args.push(m.record.id, m.record.host, m.json);
    await this.client.sendCommand(['EVAL', XADD_ONCE, '2', this.stream, `${this.stream}:tswatch-seen`, ...args]);
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client?.isOpen) await client.quit().catch(() => client.disconnect().catch(() => {}));
  }

  onLink(listener: LinkListener): void {
    this.link = listener;
  }
}
