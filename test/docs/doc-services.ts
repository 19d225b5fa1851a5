import { join } from 'node:path';
import { Broker } from '../helpers/brokers.js';
import { selfSignedCert, startSmtpSink } from '../helpers/smtp-sink.js';
import { tmpDir } from '../helpers/tmp-dir.js';

/**
 * The services the examples name by placeholder, started as the other tests start them: brokers as
 * `broker:PORT`, and `mail.example.com:587`, an SMTP server with STARTTLS (its certificate trusted
 * through NODE_EXTRA_CA_CERTS) and the login `alerts` with the password `…`.
 */
export const PLACEHOLDERS = {
  'broker:4222': 'nats',
  'broker:6379': 'redis',
  'broker:1883': 'mqtt',
  'mail.example.com:587': 'smtp',
} as const;
export type ServiceName = (typeof PLACEHOLDERS)[keyof typeof PLACEHOLDERS];

const addresses = new Map<ServiceName, string>();
let smtp: { ca: string; received: Awaited<ReturnType<typeof startSmtpSink>>['received'] } | undefined;

async function start(name: ServiceName): Promise<string> {
  if (name !== 'smtp') return (await (name === 'nats' ? Broker.nats() : name === 'redis' ? Broker.redis() : Broker.mosquitto())).url;
  const dir = tmpDir('tswatch-doc-smtp-');
  const tls = selfSignedCert(dir);
  const sink = await startSmtpSink({ tls, users: { alerts: '…' } });
  smtp = { ca: join(dir, 'cert.pem'), received: sink.received };
  return `127.0.0.1:${sink.port}`;
}

/**
 * Start the services these texts name (call it at the top level of the test file, so they live as long
 * as the file's tests and stop when it ends).
 */
export async function startServices(texts: string[]): Promise<void> {
  for (const [placeholder, name] of Object.entries(PLACEHOLDERS)) {
    if (!addresses.has(name) && texts.some((t) => t.includes(placeholder))) addresses.set(name, await start(name));
  }
}

/** `127.0.0.1:PORT` of a service startServices started. */
export function serviceAddress(name: ServiceName): string {
  const address = addresses.get(name);
  if (address === undefined) throw new Error(`${name} was not started: call startServices with the page first`);
  return address;
}

/** The SMTP server's CA file, when it runs. */
export const smtpCaFile = (): string | undefined => smtp?.ca;

/** Has the SMTP server accepted a mail whose raw text holds `text`? */
export const mailReceived = (text: string): boolean =>
  smtp?.received.some((r) => r.raw.includes(text) || (r.mail.text ?? '').includes(text)) ?? false;
