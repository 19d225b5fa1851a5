import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TswatchError } from '../../src/index.js';
import { handleGet, handlePost, sendJson } from './api.js';
import { checkOrigin, isLoopback, readTokenFile, type Refusal } from './auth.js';
import { eventFilter } from './event-filter.js';
import { renderLogin, renderPage } from './page.js';
import { type HttpContext, statusView } from './status-view.js';

export interface HttpSettings {
  host: string;
  port: number;
  token?: string | undefined;
}

/**
 * `--http` and `--http-token-file` (or the config's `http`, `httpTokenFile`), checked before any watch
 * starts: `PORT` or `HOST:PORT` (`[::1]:PORT`); anything but loopback needs a token.
 */
export function httpSettings(address: string, tokenFile: string | undefined, flag = '--http'): HttpSettings {
  const match = /^(?:(\[[0-9a-fA-F:.]+\]|[^:[\]]+):)?(\d{1,5})$/.exec(address.trim());
  const port = Number(match?.[2]);
  if (match === null || port > 65535) {
    throw new TswatchError(`${flag}: '${address}' is not HOST:PORT`, {
      code: 'EBADFLAG',
      hint: `e.g. ${flag} 127.0.0.1:8080 (loopback), ${flag} 8080 (the same), ${flag} [::1]:8080`,
    });
  }
  const host = (match[1] ?? '127.0.0.1').replace(/^\[(.*)\]$/, '$1');
  const token = tokenFile === undefined ? undefined : readTokenFile(tokenFile, '--http-token-file');
  if (token === undefined && !isLoopback(host)) {
    throw new TswatchError(`${flag}: '${address}' is reachable from other machines, and no token is set`, {
      code: 'EUNSAFE',
      hint: 'add --http-token-file FILE (mode 600, one long random token), or listen on 127.0.0.1',
    });
  }
  return { host, port, token };
}

const BODY_LIMIT = 8192;

function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > BODY_LIMIT) req.destroy(new Error('request body too large'));
    });
    req.on('end', () =>
      resolve(new URLSearchParams(req.headers['content-type']?.startsWith('application/x-www-form-urlencoded') ? body : '')),
    );
    req.on('error', reject);
  });
}

function sendHtml(res: ServerResponse, status: number, nonce: string, html: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    ...headers,
  });
  res.end(html);
}

function refuse(res: ServerResponse, url: URL, refusal: Refusal, nonce: string): void {
  if (refusal.status === 401 && !url.pathname.startsWith('/api/')) {
    sendHtml(res, 401, nonce, renderLogin(nonce, false));
    return;
  }
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  if (refusal.status === 401) headers['www-authenticate'] = 'Bearer realm="tswatch"';
  res.writeHead(refusal.status, headers);
  res.end(`${JSON.stringify({ error: refusal.message })}\n`);
}

async function route(req: IncomingMessage, res: ServerResponse, ctx: HttpContext): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const nonce = randomBytes(16).toString('base64');
  if (req.method === 'POST' && url.pathname === '/login' && ctx.auth.required) {
    const refusal = checkOrigin(req);
    if (refusal !== undefined) return refuse(res, url, refusal, nonce);
    const cookie = ctx.auth.login((await readForm(req)).get('token') ?? '');
    if (cookie === undefined) return sendHtml(res, 401, nonce, renderLogin(nonce, true));
    res.writeHead(303, { location: '/', 'set-cookie': cookie });
    return void res.end();
  }
  const refusal = ctx.auth.check(req);
  if (refusal !== undefined) return refuse(res, url, refusal, nonce);
  if (req.method === 'GET') {
    if (url.pathname === '/') {
      let recent = ctx.ring.since(0).events;
      let message = url.searchParams.get('msg') ?? undefined;
      try {
        recent = recent.filter(eventFilter(url.searchParams)).slice(-50);
      } catch (err) {
        if (!(err instanceof TswatchError)) throw err;
        message = err.message;
      }
      return sendHtml(res, 200, nonce, renderPage(statusView(ctx), recent, url.searchParams, nonce, message));
    }
    if (!handleGet(req, res, url, ctx)) sendJson(res, 404, { error: `no such page: ${url.pathname}` });
    return;
  }
  if (req.method !== 'POST') {
    res.writeHead(405, { allow: 'GET, POST' }); // HEAD too: a HEAD of the stream would never end
    return void res.end();
  }
  const form = await readForm(req);
  const postRefusal = ctx.auth.checkPost(req, form.get('csrf') ?? undefined);
  if (postRefusal !== undefined) return refuse(res, url, postRefusal, nonce);
  const result = await handlePost(url.pathname, ctx);
  if (result === undefined) return sendJson(res, 404, { error: `no such action: POST ${url.pathname}` });
  // A form sent by the page with JavaScript off: back to the page, with the outcome.
  if (req.headers['content-type']?.startsWith('application/x-www-form-urlencoded') && req.headers[`x-tswatch-csrf`] === undefined) {
    res.writeHead(303, { location: `/?msg=${encodeURIComponent(String(result.body.message ?? result.body.error))}` });
    return void res.end();
  }
  sendJson(res, result.status, result.body);
}

export interface HttpServer {
  /** http://HOST:PORT/ as bound (a port of 0 picks a free one). */
  url: string;
  close(): void;
}

/** Serve the page and the API; resolves once listening. */
export async function startHttpServer(settings: HttpSettings, ctx: HttpContext, log: (line: string) => void): Promise<HttpServer> {
  const server: Server = createServer((req, res) => {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'same-origin'); // no-referrer would make Chromium send Origin: null with our own forms
    route(req, res, ctx).catch((err: Error) => {
      log(`web: ${req.method} ${req.url}: ${err.message}`);
      if (!res.headersSent) sendJson(res, 400, { error: err.message });
      else res.destroy();
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(settings.port, settings.host, () => resolve());
    });
  } catch (err) {
    throw new TswatchError(`cannot listen on ${settings.host}:${settings.port}: ${(err as Error).message}`, {
      code: (err as NodeJS.ErrnoException).code ?? 'ELISTEN',
      cause: err,
      hint:
        (err as NodeJS.ErrnoException).code === 'EADDRINUSE'
          ? 'another program uses that port: pick another in --http'
          : 'give --http an address of this machine',
    });
  }
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}/`,
    close() {
      server.close();
      server.closeAllConnections(); // the live streams never end by themselves
    },
  };
}
