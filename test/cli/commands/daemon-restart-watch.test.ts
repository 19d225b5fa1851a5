/** A `restart` watch in a real daemon's config: its pid in ctl status, and a reload that replaces it. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ctlJson, daemonSetUp, lines } from '../../helpers/daemon-setup.js';
import { spawnTswatch } from '../../helpers/spawn-cli.js';
import { waitFor } from '../../helpers/wait-for.js';

test('a restart watch in the config: ctl status shows its pid; a reload that changes it frees the port first', async () => {
  const s = daemonSetUp();
  const server = join(s.root, 'server.cjs');
  const log = join(s.root, 'server.log');
  writeFileSync(
    server,
    `const fs = require('node:fs'); const net = require('node:net');
const srv = net.createServer().on('error', (e) => { fs.appendFileSync(${JSON.stringify(log)}, 'error ' + e.code + '\\n'); process.exit(1); });
srv.listen(Number(process.argv[2]), '127.0.0.1', () => fs.appendFileSync(${JSON.stringify(log)}, 'listening ' + process.pid + '\\n'));
process.on('SIGTERM', () => setTimeout(() => srv.close(() => process.exit(0)), 100));
`,
  );
  const { createServer } = await import('node:net');
  const probe = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => probe.once('listening', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
  const config = (debounce: number): string =>
    `watches:\n  - name: web\n    paths: [a]\n    debounce: ${debounce}\n    restart: ['${process.execPath}', '${server}', '${port}']\n`;
  writeFileSync(s.config, config(50));
  const daemon = spawnTswatch(['daemon', '--config', s.config, '--pidfile', s.pidfile]);
  await waitFor(() => lines(log).length === 1, 'the server');
  const [web] = await ctlJson(s.ctl('status', '--json'));
  const pid = Number(lines(log)[0]!.split(' ')[1]);
  assert.deepEqual((web!.action as { running: number[]; state: string }).running, [pid]);
  assert.equal((web!.action as { state: string }).state, 'running');
  writeFileSync(s.config, config(60));
  daemon.child.kill('SIGHUP');
  await waitFor(() => lines(log).length === 2, 'the server of the new config');
  assert.ok(
    lines(log).every((line) => line.startsWith('listening')),
    lines(log).join('\n'),
  );
  daemon.child.kill('SIGTERM');
  assert.equal(await daemon.exited, 0);
});
