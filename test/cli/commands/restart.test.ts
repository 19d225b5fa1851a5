/** `tswatch restart` end to end: a real server on a fixed loopback port, real signals. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnTswatch } from '../../helpers/spawn-cli.js';
import { tmpDir } from '../../helpers/tmp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';

const read = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : []);

/** A server that takes its time to let go of its port when asked to stop, as real ones do. */
const SERVER = `
const fs = require('node:fs');
const net = require('node:net');
const [port, log] = process.argv.slice(2);
const server = net.createServer();
server.on('error', (err) => { fs.appendFileSync(log, 'error ' + err.code + '\\n'); process.exit(1); });
server.listen(Number(port), '127.0.0.1', () => fs.appendFileSync(log, 'listening ' + process.pid + '\\n'));
process.on('SIGTERM', () => setTimeout(() => server.close(() => process.exit(0)), 150));
process.on('SIGINT', () => { fs.appendFileSync(log, 'got SIGINT\\n'); process.exit(5); });
`;

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('a server on a fixed port restarts 20 times without EADDRINUSE: each restart waits for the exit', async () => {
  const dir = tmpDir();
  const side = tmpDir();
  const script = join(side, 'server.cjs');
  const log = join(side, 'log');
  writeFileSync(script, SERVER);
  const port = await freePort();
  const run = spawnTswatch(['restart', '--debounce', '20', dir, '--', process.execPath, script, String(port), log]);
  await waitFor(() => read(log).length === 1, 'the first server');
  for (let i = 1; i <= 20; i++) {
    writeFileSync(join(dir, `change${i}`), '');
    await waitFor(() => read(log).length === i + 1, `restart ${i}: ${read(log).join(', ')}`, 20_000);
  }
  const lines = read(log);
  assert.equal(lines.filter((l) => l.startsWith('error')).length, 0, lines.join('\n'));
  assert.equal(new Set(lines).size, 21, 'a new process each time');
  run.child.kill('SIGTERM');
  assert.equal(await run.exited, 0, 'the server exited 0 on the forwarded SIGTERM: so does tswatch');
  assert.doesNotMatch(run.stderr, /EADDRINUSE/);
});

test("SIGINT is forwarded and the command exit status becomes tswatch's", async () => {
  const dir = tmpDir();
  const side = tmpDir();
  const script = join(side, 'server.cjs');
  const log = join(side, 'log');
  writeFileSync(script, SERVER);
  const run = spawnTswatch(['restart', dir, '--', process.execPath, script, String(await freePort()), log]);
  await waitFor(() => read(log).length === 1, 'the server');
  run.child.kill('SIGINT');
  assert.equal(await run.exited, 5);
  assert.deepEqual(read(log).slice(1), ['got SIGINT']);
});

test('a crashing command is restarted with backoff, then tswatch gives up with its status', async () => {
  const dir = tmpDir();
  const log = join(tmpDir(), 'log');
  const run = spawnTswatch(['restart', '--start-retries', '2', '--backoff', '10', dir, '--', 'sh', '-c', 'echo run >> "$0"; exit 7', log]);
  assert.equal(await run.exited, 7);
  assert.deepEqual(read(log), ['run', 'run', 'run'], 'the first start and two retries');
  assert.match(run.stderr, /restarting in 10 ms/);
  assert.match(run.stderr, /restarting in 20 ms/);
  assert.match(run.stderr, /gave up after 3 quick crashes in a row/);
});

test('a command that exits 0 is started again by the next change', async () => {
  const dir = tmpDir();
  const log = join(tmpDir(), 'log');
  const run = spawnTswatch(['restart', dir, '--', 'sh', '-c', 'echo run >> "$0"', log]);
  await run.waitStderr('exit status 0; restarting on the next change');
  writeFileSync(join(dir, 'change'), '');
  await waitFor(() => read(log).length === 2, 'the second run');
  run.child.kill('SIGTERM');
  assert.equal(await run.exited, 0);
});
