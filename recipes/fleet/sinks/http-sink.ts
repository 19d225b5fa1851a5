import { credentials } from '../credentials.js';
import type { Sink, SinkConfig, SinkMessage } from '../sink.js';

/**
 * POSTs each batch as a JSON array of records; any 2xx acknowledges the whole batch. A re-sent batch
 * carries the same ids, and `Idempotency-Key` (the first and last id) lets the receiver refuse a repeat.
 * Auth: TSWATCH_HTTP_TOKEN (Bearer) or TSWATCH_HTTP_USER / TSWATCH_HTTP_PASSWORD (Basic). A private CA:
 * NODE_EXTRA_CA_CERTS.
 */
export class HttpSink implements Sink {
  readonly name: string;
  private readonly headers: Record<string, string>;

  constructor(
    private readonly url: URL,
    config: SinkConfig,
  ) {
    this.name = config.url;
    const cred = credentials('http', url, config);
    this.headers = { 'content-type': 'application/json' };
    if (cred.token) this.headers.authorization = `Bearer ${cred.token}`;
    else if (cred.user) this.headers.authorization = `Basic ${Buffer.from(`${cred.user}:${cred.password ?? ''}`).toString('base64')}`;
    this.url = new URL(url);
    this.url.username = '';
    this.url.password = '';
  }

  async send(batch: SinkMessage[]): Promise<void> {
    const key = `${batch[0]!.record.id}..${batch[batch.length - 1]!.record.id}`;
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { ...this.headers, 'idempotency-key': key },
      body: `[${batch.map((m) => m.json).join(',')}]`,
      signal: AbortSignal.timeout(10_000),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.status < 200 || res.status > 299) throw new Error(`HTTP ${res.status} ${res.statusText}`);
  }

  async close(): Promise<void> {}
}
