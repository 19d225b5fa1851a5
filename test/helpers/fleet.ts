import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type FleetOptions, FleetPublisher, type FleetRecord, fleetRecords } from '../../recipes/fleet/index.js';
import { Event, IN_CREATE } from '../../src/index.js';
import { tmpDir } from './tmp-dir.js';
import { waitFor } from './wait-for.js';

/** A publisher to one sink, its outbox in a temp dir, retrying quickly (tests wait on brokers coming back). */
export function openPublisher(url: string, host = 'h1', extra: Partial<FleetOptions> = {}): Promise<FleetPublisher> {
  return FleetPublisher.open({ sinks: [{ url }], host, outbox: { dir: tmpDir('tswatch-outbox-') }, retryMaxMs: 500, ...extra });
}

/** `n` IN_CREATE events for files f1…fn in /watched. */
export function publishCreates(publisher: FleetPublisher, n: number, from = 1): void {
  for (let i = from; i < from + n; i++) publisher.publish(new Event({ wd: 1, mask: IN_CREATE, name: `f${i}`, path: '/watched' }));
  publisher.flush();
}

/**
 * Records arriving from a fleet stream (repeats included), collected from the moment it resolves (it is
 * subscribed then); with `take`, the loop stops after that many (`ended` resolves then).
 */
export async function follow(
  url: string,
  since?: Date,
  { durable, take = Infinity }: { durable?: string; take?: number } = {},
): Promise<{ records: FleetRecord[]; stop: () => void; ended: Promise<void> }> {
  const records: FleetRecord[] = [];
  const abort = new AbortController();
  let ready = false;
  const options = {
    signal: abort.signal,
    onReady: () => (ready = true),
    ...(since && { since }),
    ...(durable !== undefined && { durable }),
  };
  const source = await fleetRecords({ url }, options);
  const ended = (async () => {
    for await (const record of source) if (records.push(record) >= take) break;
  })().catch(() => {});
  await waitFor(() => ready, `${url} to be followed`);
  return { records, stop: () => abort.abort(), ended };
}

/** Sequence number of an id HOST:INSTANCE:SEQ. */
export const seqOf = (record: FleetRecord): number => Number(record.id.split(':').pop());

/** The records are f1…fn's creates from `host`, each once, in order, with --json's fields. */
export function assertCreates(records: FleetRecord[], n: number, host = 'h1'): void {
  assert.equal(new Set(records.map((r) => r.id)).size, records.length, 'no id twice');
  assert.equal(records.length, n);
  records.forEach((r, i) => {
    if (
      r.name !== `f${i + 1}` ||
      r.host !== host ||
      r.maskname !== 'IN_CREATE' ||
      r.pathname !== `/watched/f${i + 1}` ||
      r.mask !== IN_CREATE
    ) {
      assert.fail(`record ${i} is not f${i + 1}'s create from ${host}: ${JSON.stringify(r)}`);
    }
  });
  assert.deepEqual(Object.keys(records[0]!), ['id', 'host', 'time', 'wd', 'mask', 'maskname', 'cookie', 'name', 'path', 'pathname', 'dir']);
}

/** Every outbox under `dir` is acknowledged to its end (the agent delivered all it had). */
export function outboxesEmpty(dir: string): boolean {
  const lanes = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory());
  return lanes.every((lane) => {
    const path = join(dir, lane.name);
    const segs = readdirSync(path)
      .filter((f) => f.endsWith('.seg'))
      .sort();
    const last = segs[segs.length - 1];
    if (last === undefined) return true;
    let cursor = '';
    try {
      cursor = readFileSync(join(path, 'cursor'), 'utf8').trim();
    } catch {
      return statSync(join(path, last)).size === 0;
    }
    return segs.length === 1 && cursor === `${Number(last.slice(0, 16))} ${statSync(join(path, last)).size}`;
  });
}

/** Lines in every outbox segment under `dir`. */
export function outboxLines(dir: string): number {
  let n = 0;
  for (const lane of readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory())) {
    for (const f of readdirSync(join(dir, lane.name)).filter((f) => f.endsWith('.seg'))) {
      n += readFileSync(join(dir, lane.name, f), 'utf8').split('\n').length - 1;
    }
  }
  return n;
}
