import { readFileSync } from 'node:fs';
import { TswatchError } from '../../src/index.js';

export type SmtpSecurity = 'tls' | 'starttls' | 'none' | 'auto';
export const SMTP_SECURITY: readonly SmtpSecurity[] = ['tls', 'starttls', 'none', 'auto'];

/**
 * Where and how mail is handed over. The password is never an option of its own: it comes from
 * $TSWATCH_SMTP_PASS, from a file ($TSWATCH_SMTP_PASS_FILE or `passFile`), or from the URL.
 */
export interface SmtpOptions {
  /** smtp://user@host:587 or smtps://host:465; default $TSWATCH_SMTP_URL, else smtp://localhost:25. */
  url?: string;
  host?: string;
  port?: number;
  /**
   * tls: TLS from the first byte (smtps, port 465); starttls: upgrade, and refuse to send without it;
   * none: never encrypt; auto (default): STARTTLS when the server offers it.
   */
  security?: SmtpSecurity;
  /** Default $TSWATCH_SMTP_USER, else the URL's. */
  user?: string;
  /** A file whose first line is the password. */
  passFile?: string;
  /** PEM file with the CA (or the server's self-signed certificate) to trust. */
  caFile?: string;
  /** Accept any server certificate: for tests, never for real mail. */
  insecure?: boolean;
  /** Connection and greeting timeout, seconds. Default 20. */
  timeout?: number;
}

/** nodemailer's SMTP transport options (the subset tswatch sets). */
export interface SmtpTransportConfig {
  host: string;
  port: number;
  secure: boolean;
  requireTLS: boolean;
  ignoreTLS: boolean;
  auth?: { user: string; pass: string };
  tls: { ca?: string; rejectUnauthorized: boolean; servername?: string };
  connectionTimeout: number;
  greetingTimeout: number;
  socketTimeout: number;
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new TswatchError(`cannot read the ${what} file '${file}': ${(err as Error).message}`, {
      code: (err as NodeJS.ErrnoException).code ?? 'EIO',
      path: file,
      hint: 'check the path and that the user running tswatch may read it (chmod 600 is enough)',
    });
  }
}

function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TswatchError(`SMTP URL '${raw.replace(/:[^:@/]*@/, ':***@')}' is not a URL`, {
      code: 'EBADOPTION',
      hint: 'write it as smtp://user@host:587 or smtps://host:465',
    });
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new TswatchError(`SMTP URL scheme '${url.protocol}' is not supported`, { code: 'EBADOPTION', hint: 'use smtp:// or smtps://' });
  }
  return url;
}

/**
 * Options + environment → nodemailer transport config. Throws naming whatever is wrong; a login without
 * its password only when `sending` (a dry run sends nothing, so it needs none).
 */
export function smtpTransportConfig(options: SmtpOptions = {}, env: NodeJS.ProcessEnv = process.env, sending = true): SmtpTransportConfig {
  const rawUrl = options.url ?? env.TSWATCH_SMTP_URL;
  const url = rawUrl ? parseUrl(rawUrl) : undefined;
  const security = options.security ?? (url?.protocol === 'smtps:' ? 'tls' : 'auto');
  if (!SMTP_SECURITY.includes(security)) {
    throw new TswatchError(`SMTP security '${security}' is unknown`, {
      code: 'EBADOPTION',
      hint: `use one of: ${SMTP_SECURITY.join(', ')}`,
    });
  }
  const port = options.port ?? (url?.port ? Number(url.port) : security === 'tls' ? 465 : 25);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new TswatchError(`SMTP port '${port}' is not a port number`, {
      code: 'EBADOPTION',
      hint: 'give a port from 1 to 65535 (25, 465, 587)',
    });
  }
  const user = options.user ?? env.TSWATCH_SMTP_USER ?? (url?.username ? decodeURIComponent(url.username) : undefined);
  const passFile = options.passFile ?? env.TSWATCH_SMTP_PASS_FILE;
  const pass =
    env.TSWATCH_SMTP_PASS ??
    (passFile ? readText(passFile, 'SMTP password').split(/\r?\n/)[0] : undefined) ??
    (url?.password ? decodeURIComponent(url.password) : undefined);
  if (sending && user !== undefined && pass === undefined) {
    throw new TswatchError(`SMTP user '${user}' has no password`, {
      code: 'EBADOPTION',
      hint: 'set TSWATCH_SMTP_PASS, or put it in a file named by --smtp-pass-file or TSWATCH_SMTP_PASS_FILE',
    });
  }
  const timeoutMs = (options.timeout ?? 20) * 1000;
  const host = options.host ?? (url?.hostname ? url.hostname.replace(/^\[|\]$/g, '') : 'localhost');
  return {
    host,
    port,
    secure: security === 'tls',
    requireTLS: security === 'starttls',
    ignoreTLS: security === 'none',
    ...(user !== undefined && pass !== undefined ? { auth: { user, pass } } : {}),
    tls: {
      ...(options.caFile ? { ca: readText(options.caFile, 'CA certificate') } : {}),
      rejectUnauthorized: !(options.insecure ?? false),
    },
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: Math.max(timeoutMs, 60_000),
  };
}

/** For logs: where mail goes, without the password. */
export function describeSmtp(config: SmtpTransportConfig): string {
  const scheme = config.secure ? 'smtps' : 'smtp';
  const tls = config.secure ? '' : config.requireTLS ? ' (STARTTLS required)' : config.ignoreTLS ? ' (no TLS)' : ' (STARTTLS if offered)';
  return `${scheme}://${config.auth ? `${config.auth.user}@` : ''}${config.host}:${config.port}${tls}`;
}
