import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { brokerError, credentials, sinkName, tlsMaterial } from '../credentials.js';
import type { Sink, SinkConfig, SinkMessage } from '../sink.js';

/**
 * POSTs each batch as a JSON array of records; any 2xx acknowledges the whole batch. A re-sent batch
 * carries the same ids, and `Idempotency-Key` (the first and last id) lets the receiver refuse a repeat.
 * Auth: TSWATCH_HTTP_TOKEN (Bearer) or TSWATCH_HTTP_USER / TSWATCH_HTTP_PASSWORD (Basic). TLS: the sink's
 * `tls` files or TSWATCH_TLS_CA / _CERT / _KEY (node:https, which takes them per request; fetch does not).
 */
export class HttpSink implements Sink {
  readonly name: string;
  private readonly headers: Record<string, string>;

  constructor(
    private readonly url: URL,
    private readonly config: SinkConfig,
  ) {
    this.name = sinkName(config.url);
    const cred = credentials('http', url, config);
    this.headers = { 'content-type': 'application/json' };
    if (cred.token) this.headers.authorization = `Bearer ${cred.token}`;
    else if (cred.user) this.headers.authorization = `Basic ${Buffer.from(`${cred.user}:${cred.password ?? ''}`).toString('base64')}`;
    this.url = new URL(url);
    this.url.username = '';
    this.url.password = '';
  }

  async send(batch: SinkMessage[]): Promise<void> {
    // An empty batch (a check during an outage) is an empty array, with no Idempotency-Key.
    const key = batch.length > 0 ? { 'idempotency-key': `${batch[0]!.record.id}..${batch[batch.length - 1]!.record.id}` } : {};
    const body = `[${batch.map((m) => m.json).join(',')}]`;
    const status = await new Promise<number>((resolve, reject) => {
      const options = { method: 'POST', headers: { ...this.headers, ...key }, timeout: 10_000 };
      const req =
        this.url.protocol === 'https:'
          ? httpsRequest(this.url, { ...options, ...tlsMaterial(this.config.tls) })
          : httpRequest(this.url, options);
      req.on('response', (res) => {
        res.resume().on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('timeout', () => req.destroy(new Error('no answer within 10 s')));
      req.on('error', (err) => reject(brokerError('http', this.name, err)));
      req.end(body);
    });
    if (status === 401 || status === 403) throw brokerError('http', this.name, new Error(`Not authorized: HTTP ${status}`));
    if (status < 200 || status > 299) throw new Error(`HTTP ${status}`);
  }

  async close(): Promise<void> {}
}
