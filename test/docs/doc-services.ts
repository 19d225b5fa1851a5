import { Broker } from '../helpers/brokers.js';

/** The brokers the examples name as `broker:PORT`, started as the other tests start them. */
export const PLACEHOLDERS = { 'broker:4222': 'nats', 'broker:6379': 'redis', 'broker:1883': 'mqtt' } as const;
export type ServiceName = (typeof PLACEHOLDERS)[keyof typeof PLACEHOLDERS];

const started = new Map<ServiceName, Broker>();

/**
 * Start the brokers these texts name (call it at the top level of the test file, so they live as long as
 * the file's tests and stop when it ends).
 */
export async function startServices(texts: string[]): Promise<void> {
  for (const [placeholder, name] of Object.entries(PLACEHOLDERS)) {
    if (started.has(name) || !texts.some((t) => t.includes(placeholder))) continue;
    started.set(name, await (name === 'nats' ? Broker.nats() : name === 'redis' ? Broker.redis() : Broker.mosquitto()));
  }
}

/** `127.0.0.1:PORT` of a broker startServices started. */
export function serviceAddress(name: ServiceName): string {
  const broker = started.get(name);
  if (broker === undefined) throw new Error(`${name} was not started: call startServices with the page first`);
  return broker.url;
}
