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

function readSecret(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new TswatchError(`${what}: cannot read '${file}': ${(err as Error).message}`, {
      code: (err as NodeJS.ErrnoException).code ?? 'EIO',
      path: file,
      hint: 'give a readable file holding only the secret (mode 600)',
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
export function tlsMaterial(tls: TlsOptions | undefined, env: NodeJS.ProcessEnv = process.env): { ca?: string; cert?: string; key?: string; rejectUnauthorized?: boolean } | undefined {
  const files = { ca: tls?.ca ?? env.TSWATCH_TLS_CA, cert: tls?.cert ?? env.TSWATCH_TLS_CERT, key: tls?.key ?? env.TSWATCH_TLS_KEY };
  const out: { ca?: string; cert?: string; key?: string; rejectUnauthorized?: boolean } = {};
  for (const key of ['ca', 'cert', 'key'] as const) if (files[key]) out[key] = readSecret(files[key]!, `TLS ${key}`);
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
