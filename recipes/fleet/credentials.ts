import { readFileSync } from 'node:fs';
import { TswatchError } from '../../src/index.js';
import type { SinkConfig, TlsOptions } from './sink.js';

export type BrokerKind = 'nats' | 'redis' | 'mqtt' | 'http';

export interface Credentials {
  user?: string;
  password?: string;
  token?: string;
  /** NATS: the .creds file's contents. */
  creds?: Uint8Array;
}

function readSecret(file: string, what: string, hint = 'give a readable file holding only the secret (mode 600)'): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new TswatchError(`${what}: cannot read '${file}': ${(err as Error).message}`, {
      code: (err as NodeJS.ErrnoException).code ?? 'EIO',
      path: file,
      hint,
    });
  }
}

/**
 * Credentials for a broker, never needed on the command line: the URL's user:password if given, else
 * TSWATCH_<KIND>_USER, TSWATCH_<KIND>_PASSWORD (or the file in TSWATCH_<KIND>_PASSWORD_FILE or the
 * config's passwordFile), TSWATCH_<KIND>_TOKEN (or _TOKEN_FILE), and for NATS TSWATCH_NATS_CREDS (a
 * .creds file) or the config's credsFile.
 */
export function credentials(kind: BrokerKind, url: URL, config: SinkConfig, env: NodeJS.ProcessEnv = process.env): Credentials {
  const K = `TSWATCH_${kind.toUpperCase()}`;
  const fromFile = (file: string | undefined, what: string): string | undefined => (file ? readSecret(file, what) : undefined);
  const out: Credentials = {};
  const user = decodeURIComponent(url.username) || env[`${K}_USER`];
  const password =
    decodeURIComponent(url.password) ||
    env[`${K}_PASSWORD`] ||
    fromFile(config.passwordFile ?? env[`${K}_PASSWORD_FILE`], config.passwordFile ? 'passwordFile' : `${K}_PASSWORD_FILE`);
  const token = env[`${K}_TOKEN`] || fromFile(env[`${K}_TOKEN_FILE`], `${K}_TOKEN_FILE`);
  if (user) out.user = user;
  if (password) out.password = password;
  if (token) out.token = token;
  const creds = config.credsFile ?? (kind === 'nats' ? env.TSWATCH_NATS_CREDS : undefined);
  if (creds) out.creds = Buffer.from(readSecret(creds, 'NATS credentials'));
  return out;
}

/** TLS files read: the config's, else TSWATCH_TLS_CA / TSWATCH_TLS_CERT / TSWATCH_TLS_KEY. */
export function tlsMaterial(
  tls: TlsOptions | undefined,
  env: NodeJS.ProcessEnv = process.env,
): { ca?: string; cert?: string; key?: string; rejectUnauthorized?: boolean } | undefined {
  const files = { ca: tls?.ca ?? env.TSWATCH_TLS_CA, cert: tls?.cert ?? env.TSWATCH_TLS_CERT, key: tls?.key ?? env.TSWATCH_TLS_KEY };
  const out: { ca?: string; cert?: string; key?: string; rejectUnauthorized?: boolean } = {};
  for (const key of ['ca', 'cert', 'key'] as const) {
    const what = tls?.[key] ? `tls.${key}` : `TSWATCH_TLS_${key.toUpperCase()}`;
    if (files[key]) out[key] = readSecret(files[key]!, what, `${what}: give a readable PEM file`);
  }
  if (tls?.rejectUnauthorized === false) out.rejectUnauthorized = false;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** `await import(pkg)`, or an error naming the package to install. */
export async function loadOptional<T>(pkg: string, what: string): Promise<T> {
  try {
    return (await import(pkg)) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw err;
    throw new TswatchError(`${what} needs the npm package '${pkg}', which is not installed`, {
      code: 'ENOPKG',
      hint: `npm install ${pkg} (next to tswatch, or globally with -g when tswatch is global)`,
    });
  }
}

/** A sink or source URL fit to print: a password in it left out. */
export function sinkName(url: string): string {
  try {
    const u = new URL(url);
    if (u.password === '') return url;
    u.password = '***';
    return u.href;
  } catch {
    return url;
  }
}

const CREDENTIAL_HINT: Record<BrokerKind, string> = {
  nats: 'set TSWATCH_NATS_TOKEN (or TSWATCH_NATS_TOKEN_FILE), TSWATCH_NATS_USER with TSWATCH_NATS_PASSWORD (or TSWATCH_NATS_PASSWORD_FILE, passwordFile), or TSWATCH_NATS_CREDS (credsFile)',
  redis: 'set TSWATCH_REDIS_PASSWORD (or TSWATCH_REDIS_PASSWORD_FILE, passwordFile), and TSWATCH_REDIS_USER for an ACL user',
  mqtt: 'set TSWATCH_MQTT_USER and TSWATCH_MQTT_PASSWORD (or TSWATCH_MQTT_PASSWORD_FILE, passwordFile)',
  http: 'set TSWATCH_HTTP_TOKEN (Bearer), or TSWATCH_HTTP_USER and TSWATCH_HTTP_PASSWORD (Basic)',
};

/** Certificate checks that fail (OpenSSL's codes, Node's ERR_TLS_*, a TLS client on a plain port). */
const TLS_FAILURE = /CERT|SELF_SIGNED|UNABLE_TO_(VERIFY|GET)|^ERR_TLS|^ERR_SSL|EPROTO/;
/** Refused credentials: NATS, Redis (NOAUTH, WRONGPASS), MQTT CONNACK 4/5 (v3.1.1) and 134/135 (v5). */
const AUTH_FAILURE = /AUTHORIZATION_VIOLATION|AUTHENTICATION_EXPIRED|^NOAUTH|^WRONGPASS|^NOPERM|Not authorized|Bad username or password/i;

/**
 * A broker's or webhook's refusal (an untrusted certificate, credentials missing or wrong, nothing
 * listening) as an error naming the sink and what to set; anything else as it is. Messages come from
 * the server or TLS, never hold the secret.
 */
export function brokerError(kind: BrokerKind, name: string, err: unknown): unknown {
  if (!(err instanceof Error) || err instanceof TswatchError) return err;
  const code = String((err as NodeJS.ErrnoException).code ?? '');
  if (TLS_FAILURE.test(code)) {
    return new TswatchError(`${name}: TLS: ${err.message}`, {
      code: 'ETLS',
      cause: err,
      hint: 'to trust a private CA give its certificate (PEM) as tls.ca in the sink config or TSWATCH_TLS_CA=/path/ca.pem',
    });
  }
  if (AUTH_FAILURE.test(code) || AUTH_FAILURE.test(err.message) || code === '4' || code === '5' || code === '134' || code === '135') {
    return new TswatchError(`${name}: the server refused the credentials (${err.message.replace(/^'|'$/g, '')})`, {
      code: 'EACCES',
      cause: err,
      hint: CREDENTIAL_HINT[kind],
    });
  }
  if (code === 'ECONNREFUSED' || code === 'CONNECTION_REFUSED') {
    return new TswatchError(`${name}: nothing listens there (${err.message})`, {
      code: 'ECONNREFUSED',
      cause: err,
      hint: 'is the broker running, and is the host:port right?',
    });
  }
  return err;
}
