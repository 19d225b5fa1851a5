/** Loader hooks for module-log.ts: each file module the ESM loader loads, one URL a line, into the log. */
import { appendFileSync } from 'node:fs';

let log = '';

export function initialize(data: { log: string }): void {
  log = data.log;
}

export async function load(url: string, context: object, next: (url: string, context: object) => Promise<unknown>): Promise<unknown> {
  if (url.startsWith('file:')) appendFileSync(log, `${url}\n`);
  return next(url, context);
}
