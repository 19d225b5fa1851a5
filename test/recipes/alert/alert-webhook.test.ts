// AlertEmail's webhook: the digest posted as JSON to a real HTTP server.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { WebhookBody } from '../../../recipes/alert/index.js';
import { startSmtpSink } from '../../helpers/smtp-sink.js';
import { tmpDir } from '../../helpers/tmp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';
import { startAlert } from './start-alert.js';

test("webhook: the same digest posted as JSON, with the mail's Message-ID", async (t) => {
  const sink = await startSmtpSink();
  const posts: WebhookBody[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      posts.push(JSON.parse(body) as WebhookBody);
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const dir = tmpDir();
  await startAlert(t, {
    rules: [{ paths: [dir], events: ['create'] }],
    smtp: { url: sink.url },
    webhook: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`,
  });
  writeFileSync(join(dir, 'hooked'), '');
  await sink.until(1);
  await waitFor(() => posts.length === 1, 'one webhook post');
  assert.equal(posts[0]!.messageId, sink.received[0]!.mail.messageId);
  assert.deepEqual(
    posts[0]!.digest!.groups.map((g) => g.path),
    [join(dir, 'hooked')],
  );
  assert.equal(posts[0]!.host!.hostname, hostname());
});
