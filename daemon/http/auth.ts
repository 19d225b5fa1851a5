import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { TswatchError } from '../../src/index.js';

export const SESSION_COOKIE = 'tswatch_session';
export const CSRF_HEADER = 'x-tswatch-csrf';

/** Read the token: one line, at least 16 characters, in a file others cannot read. */
export function readTokenFile(path: string, label: string): string {
  let text: string;
  try {
    if (statSync(path).mode & 0o077) {
      throw new TswatchError(`${label}: '${path}' can be read by other users`, { code: 'EUNSAFE', path, hint: `chmod 600 '${path}'` });
    }
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof TswatchError) throw err;
    throw new TswatchError(`${label}: cannot read '${path}': ${(err as Error).message}`, {
      code: 'EBADFLAG',
      path,
      cause: err,
      hint: 'give the path of a file holding the token',
    });
  }
  const token = text.trim();
  if (token.length < 16 || /\s/.test(token)) {
    throw new TswatchError(`${label}: '${path}' must hold one token of 16 characters or more`, {
      code: 'EBADFLAG',
      path,
      hint: `e.g. head -c 32 /dev/urandom | base64 > '${path}'`,
    });
  }
  return token;
}

const same = (a: string, b: string): boolean =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/** 127.0.0.0/8, ::1 and localhost, with or without a port. */
export function isLoopback(host: string): boolean {
  const name = host.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
  return name === 'localhost' || name === '::1' || /^127\.\d+\.\d+\.\d+$/.test(name);
}

export type Refusal = { status: 400 | 401 | 403; message: string };

/**
 * A browser's POST from another site carries that site's Origin: refuse it. Our own page's origin is
 * its Host over http, or over https behind a TLS reverse proxy (the browser spoke https to the proxy,
 * which forwards Host, or names it in X-Forwarded-Host). A page elsewhere cannot forge either: Host
 * is the server the browser asked, and a cross-site request cannot add X-Forwarded-Host without a
 * CORS preflight, which we never answer.
 */
export function checkOrigin(req: IncomingMessage): Refusal | undefined {
  const origin = req.headers.origin;
  if (origin === undefined) return undefined;
  const forwarded = req.headers['x-forwarded-host'];
  const hosts = [req.headers.host, ...(typeof forwarded === 'string' ? forwarded.split(',').map((h) => h.trim()) : [])].filter(
    (h): h is string => h !== undefined && h !== '',
  );
  const ours = hosts.some(
    (host) => origin === `http://${host}` || origin === `https://${host}` || origin === `https://${host.replace(/:443$/, '')}`,
  );
  return ours
    ? undefined
    : {
        status: 403,
        message: `cross-origin request from ${origin} refused (the page's own origin is ${hosts.map((h) => `http(s)://${h}`).join(' or ') || 'unknown: no Host header'})`,
      };
}

/**
 * Who may do what. With a token: every request needs it, as `Authorization: Bearer TOKEN` or the
 * session cookie the page's login form sets (HttpOnly, SameSite=Strict). Without one (loopback only):
 * the Host header must be a loopback name, so a page on another site cannot reach us by DNS
 * rebinding. Either way a POST needs the bearer token or this process's CSRF token (in the
 * X-Tswatch-Csrf header or the form's `csrf` field, which only our own page knows), and a POST with
 * an Origin header must come from our own origin.
 */
export class HttpAuth {
  /** Embedded in the page; a new one per daemon process. */
  readonly csrfToken = randomBytes(24).toString('base64url');
  private readonly session: string | undefined;

  constructor(private readonly token: string | undefined) {
    this.session = token === undefined ? undefined : createHmac('sha256', token).update('tswatch web session').digest('base64url');
  }

  get required(): boolean {
    return this.token !== undefined;
  }

  private bearer(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    return this.token !== undefined && header.startsWith('Bearer ') && same(header.slice(7).trim(), this.token);
  }

  /** Any request: undefined when allowed. */
  check(req: IncomingMessage): Refusal | undefined {
    if (this.token === undefined) {
      return isLoopback(req.headers.host ?? '')
        ? undefined
        : { status: 403, message: `Host '${req.headers.host ?? ''}' is not a loopback name` };
    }
    if (this.bearer(req)) return undefined;
    const session = cookie(req, SESSION_COOKIE);
    if (session !== undefined && same(session, this.session!)) return undefined;
    return { status: 401, message: req.headers.authorization || session ? 'wrong token' : 'a token is required' };
  }

  /** A state-changing request, once check() passed; `formCsrf` is the form field of a page without JS. */
  checkPost(req: IncomingMessage, formCsrf?: string): Refusal | undefined {
    const refusal = checkOrigin(req);
    if (refusal !== undefined || this.bearer(req)) return refusal;
    const given = (req.headers[CSRF_HEADER] as string | undefined) ?? formCsrf;
    if (given === undefined || !same(given, this.csrfToken)) {
      return { status: 403, message: `a POST needs the ${CSRF_HEADER} header (the csrf value of GET /api/status) or a bearer token` };
    }
    return undefined;
  }

  /** The login form's token: the Set-Cookie value if right. */
  login(given: string): string | undefined {
    if (this.token === undefined || !same(given.trim(), this.token)) return undefined;
    return `${SESSION_COOKIE}=${this.session}; HttpOnly; SameSite=Strict; Path=/`;
  }
}
