/** Fleet publishers for tests of commands that follow a stream, and what the commands they run recorded. */
import { existsSync, readFileSync } from 'node:fs';
import type { FleetPublisher } from '../../recipes/fleet/index.js';
import { Event } from '../../src/index.js';
import { openPublisher } from './fleet.js';
import type { spawnTswatch } from './spawn-cli.js';

/** NUL-terminated records a command appended to `file`, `width` per run. */
export function runs(file: string, width: number): string[][] {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  const fields = text === '' ? [] : text.slice(0, -1).split('\0');
  const out: string[][] = [];
  for (let i = 0; i + width <= fields.length; i += width) out.push(fields.slice(i, i + width));
  return out;
}

/** `sh -c SCRIPT OUT ARGS…`: appends each argument as a NUL-terminated record (never parses them). */
export const recorder = (out: string): string[] => ['sh', '-c', 'printf "%s\\0" "$@" >> "$0"', out];

const publishers: FleetPublisher[] = [];
/** Close the test's publishers (their outboxes go with the test's temp dirs). */
export async function closePublishers(): Promise<void> {
  for (const p of publishers.splice(0)) await p.close(0).catch(() => {});
}

export async function publisher(url: string, host: string): Promise<FleetPublisher> {
  const p = await openPublisher(url, host);
  publishers.push(p);
  return p;
}

export function send(p: FleetPublisher, mask: number, path: string, name: string): void {
  p.publish(new Event({ wd: 1, mask, path, name }));
  p.flush();
}

export async function stop(run: ReturnType<typeof spawnTswatch>): Promise<number | null> {
  run.child.kill('SIGTERM');
  return run.exited;
}
