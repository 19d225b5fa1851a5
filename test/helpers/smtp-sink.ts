import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { after } from 'node:test';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { waitFor } from './wait-for.js';

export interface Received {
  mail: ParsedMail;
  raw: string;
  /** The session was encrypted (TLS or STARTTLS). */
  secure: boolean;
  user: string | undefined;
  envelopeTo: string[];
}

/** A port nothing listens on right now (to start a server on later, or to find refused). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A self-signed certificate for 127.0.0.1 / localhost, made with openssl in `dir`. */
export function selfSignedCert(dir: string): { key: string; cert: string; certFile: string } {
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
}

/**
 * A real SMTP server (npm smtp-server) on 127.0.0.1 that parses every message it accepts (mailparser).
 * `users`: when given, AUTH is required and checked; `rejectTo`: recipients refused with 550. Closed
 * when the test file ends.
 */
export async function startSmtpSink(
  options: { port?: number; users?: Record<string, string>; tls?: { key: string; cert: string }; rejectTo?: string[] } = {},
) {
  const received: Received[] = [];
  const serverOptions: SMTPServerOptions = {
    disabledCommands: options.tls ? [] : ['STARTTLS'],
    authOptional: options.users === undefined,
    allowInsecureAuth: true,
    logger: false,
    ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : {}),
    onAuth(auth, _session, callback) {
      const pass = options.users?.[auth.username ?? ''];
      if (pass !== undefined && pass === auth.password) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onRcptTo(address, _session, callback) {
      if (!options.rejectTo?.includes(address.address)) return callback();
      const err = new Error(`<${address.address}>: no such user here`) as Error & { responseCode: number };
      err.responseCode = 550;
      callback(err);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw)
          .then((mail) => {
            received.push({
              mail,
              raw,
              secure: session.secure,
              user: session.user as string | undefined,
              envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            });
            callback();
          })
          .catch(callback);
      });
    },
  };
  const server = new SMTPServer(serverOptions);
  const port = await new Promise<number>((resolve, reject) => {
    server.on('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve((server.server.address() as { port: number }).port));
  });
  let closed = false;
  const close = (): Promise<void> =>
    closed
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          closed = true;
          server.close(() => resolve());
        });
  after(close);
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    close,
    /** Wait until `n` messages have arrived. */
    until: (n: number, timeoutMs = 30_000) => waitFor(() => received.length >= n, `${n} mails (have ${received.length})`, timeoutMs),
  };
}
