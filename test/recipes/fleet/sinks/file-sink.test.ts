import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { FleetRecord } from '../../../../recipes/fleet/index.js';
import { CSV_HEADER, FileSink } from '../../../../recipes/fleet/sinks/file-sink.js';
import { assertCreates, openPublisher, publishCreates } from '../../../helpers/fleet.js';
import { tmpDir } from '../../../helpers/tmp-dir.js';
import { waitFor } from '../../../helpers/wait-for.js';

const jsonl = (file: string): FleetRecord[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as FleetRecord);

test('JSONL file: 10,000 events in order with the --json fields, rotated by size, none lost', async () => {
  const file = join(tmpDir(), 'events.jsonl');
  const url = pathToFileURL(file).href;
  const publisher = await openPublisher(url, 'h1', { sinks: [{ url, rotateBytes: 1 << 20, keep: 3 }] });
  publishCreates(publisher, 10_000);
  await waitFor(() => publisher.status()[0]!.pending === 0, 'the outbox to drain', 30_000);
  await publisher.close();
  assert.ok(existsSync(`${file}.1`), 'rotated at 1 MiB');
  const all = [3, 2, 1].flatMap((n) => (existsSync(`${file}.${n}`) ? jsonl(`${file}.${n}`) : [])).concat(jsonl(file));
  assertCreates(all, 10_000);
});

test('CSV file: a header, then id, host, time and inotifywait --csv fields, quoted as inotifywait does', async () => {
  const file = join(tmpDir(), 'events.csv');
  const url = pathToFileURL(file).href;
  const publisher = await openPublisher(url);
  publishCreates(publisher, 10_000);
  await waitFor(() => publisher.status()[0]!.pending === 0, 'the outbox to drain', 30_000);
  await publisher.close();
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  assert.equal(lines[0], CSV_HEADER);
  assert.equal(lines.length, 10_001);
  assert.match(lines[1]!, /^h1:[^,]+:1,h1,\d{4}-\d\d-\d\dT[^,]+Z,\/watched\/,CREATE,f1$/);
  assert.match(lines[10_000]!, /:10000,h1,.*,\/watched\/,CREATE,f10000$/);
});

test('file: records re-sent after a crash that were already written are skipped (by the last id)', async () => {
  const file = join(tmpDir(), 'again.jsonl');
  const url = new URL(pathToFileURL(file).href);
  const records = [1, 2, 3].map((n) => ({
    id: `h1:x:${n}`,
    host: 'h1',
    time: '2026-01-01T00:00:00.000Z',
    wd: 1,
    mask: 256,
    maskname: 'IN_CREATE',
    cookie: 0,
    name: `f${n}`,
    path: '/watched',
    pathname: `/watched/f${n}`,
    dir: false,
  }));
  const batch = records.map((record) => ({ record, json: JSON.stringify(record) }));
  const first = new FileSink(url, { url: url.href });
  await first.send(batch.slice(0, 2));
  await first.close();
  const second = new FileSink(url, { url: url.href }); // after a restart, the outbox sends 1-3 again
  await second.send(batch);
  await second.close();
  assert.deepEqual(
    jsonl(file).map((r) => r.id),
    ['h1:x:1', 'h1:x:2', 'h1:x:3'],
  );
});
