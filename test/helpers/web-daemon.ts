import { mkdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { spawnTswatch } from './spawn-cli.js';
import { tmpDir } from './tmp-dir.js';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  // biome-ignore lint/suspicious/noExplicitAny: each test reads the API reply it asked for
  json: () => any;
}

/** One HTTP request over real TCP, with any headers (fetch would not let a test forge Host). */
export function request(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body, json: () => JSON.parse(body) }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * A real `tswatch daemon` with --http on a free loopback port, watching `watched/` (watch `w`, an exec
 * of `true`) plus any `extraYaml` watches; resolves once it serves.
 */
export async function startWebDaemon(flags: string[] = [], extraYaml = '') {
  const root = tmpDir('tswatch-web-');
  const watched = join(root, 'watched');
  mkdirSync(watched);
  const config = join(root, 'tswatch.yaml');
  writeFileSync(config, `watches:\n  - name: w\n    paths: [watched]\n    exec: ['true']\n${extraYaml}`);
  const socket = join(root, 'tswatch.sock');
  const daemon = spawnTswatch([
    'daemon',
    '--config',
    config,
    '--socket',
    socket,
    ...(flags.includes('--http') ? [] : ['--http', '127.0.0.1:0']),
    ...flags,
  ]);
  await daemon.waitStderr('Watches established.');
  const url = /web page and API: (http:\S+)/.exec(daemon.stderr)![1]!;
  return { root, watched, config, socket, daemon, url, ctl: (...args: string[]) => spawnTswatch(['ctl', '--socket', socket, ...args]) };
}

/** The daemon's own view, as a script would poll it. */
export async function apiStatus(url: string, headers: Record<string, string> = {}) {
  const reply = await request(`${url}api/status`, { headers });
  if (reply.status !== 200) throw new Error(`GET /api/status: ${reply.status} ${reply.body}`);
  return reply.json();
}

/** waitFor, for a condition that needs a request. */
export async function waitForAsync<T>(condition: () => Promise<T>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Until the daemon has recorded `n` events in all. */
export const untilEvents = (url: string, n: number) =>
  waitForAsync(async () => (await apiStatus(url)).lastSeq >= n, `${n} events recorded`);
