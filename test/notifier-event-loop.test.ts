import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fanotifyProblem } from '../src/backends/fanotify-support.js';
import { IN_CREATE, Notifier, WatchManager } from '../src/index.js';
import { tmpDir } from './helpers/tmp-dir.js';
import { waitFor } from './helpers/wait-for.js';

// A child that creates files in `dir` as fast as it can until `stop` exists, then prints how many.
const GENERATOR = `
const { closeSync, existsSync, openSync } = require('node:fs');
const [dir, stop] = process.argv.slice(1);
let n = 0;
for (; n < 400000; n++) {
  if (n % 128 === 0 && existsSync(stop)) break;
  closeSync(openSync(dir + '/f' + n, 'w'));
}
process.stdout.write(String(n));
`;

/**
 * A consumer that spends `busyMs` on each batch (each run of handlers in one task), as a real one does,
 * and schedules a setImmediate and a 1 ms timer from it. It counts how many batches start between
 * scheduling each and its running: between two batches the event loop must run its other phases.
 */
async function burstWhileScheduling(backend: 'inotify' | 'fanotify') {
  const dir = tmpDir();
  const stop = join(tmpDir(), 'stop');
  const wm = new WatchManager({ backend });
  wm.addWatch(dir, IN_CREATE);
  let batch = 0;
  let inBatch = false;
  const seen = new Set<string>();
  let generating = true;
  const late = { immediate: [] as number[], timer: [] as number[] };
  let sampledAt = 0; // the batch in which the last sample needed was taken
  const notifier = new Notifier(wm, (event) => {
    seen.add(event.name);
    if (inBatch) return;
    inBatch = true;
    batch++;
    queueMicrotask(() => (inBatch = false)); // microtasks run once the batch's task ends
    if (!generating) return;
    const at = batch;
    setImmediate(() => {
      if (!generating) return;
      if (late.immediate.push(batch - at) === 20) sampledAt = batch;
    });
    setTimeout(() => generating && late.timer.push(batch - at), 1);
    const until = performance.now() + 2;
    while (performance.now() < until); // the consumer's work on this batch
  });
  notifier.start();
  await notifier.ready();
  const child = spawn(process.execPath, ['-e', GENERATOR, dir, stop], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const exited = new Promise<number>((resolve) => child.on('exit', () => resolve(Number(out))));
  try {
    // Enough samples while the child still writes, and a batch delivered after the last of them.
    await waitFor(
      () => late.timer.length >= 20 && sampledAt > 0 && batch > sampledAt,

      () => `20 immediates and timers during the burst (got ${late.immediate.length}, ${late.timer.length}, ${batch} batches)`,
      60_000,
    );
  } finally {
    generating = false;
    writeFileSync(stop, '');
  }
  const created = await exited;
  assert.ok(created > 0, 'the generator created files');
  // Nothing lost on the way: every file the child made is reported once the burst is read.
  await waitFor(
    () => seen.size >= created,
    () => `all ${created} creates (seen ${seen.size})`,
    60_000,
  );
  notifier.stop();
  return { late, created, batches: batch };
}

function assertInterleaved({ late, batches }: Awaited<ReturnType<typeof burstWhileScheduling>>) {
  assert.ok(late.immediate.length >= 20, `setImmediate ran ${late.immediate.length} times in ${batches} batches of a burst`);
  // An immediate queued by a batch runs before the next batch (the check phase comes between).
  assert.equal(Math.max(...late.immediate), 0, `batches started before a queued setImmediate ran: ${late.immediate}`);
  // The batch that queued the timer lasted longer than it (2 ms), so the next loop turn runs it.
  assert.ok(Math.max(...late.timer) <= 1, `batches started before a due 1 ms timer ran: ${late.timer}`);
}

test('during a sustained burst, setImmediate and timers run between batches, and no event is lost', async () => {
  assertInterleaved(await burstWhileScheduling('inotify'));
});

test('fanotify: during a sustained burst, setImmediate and timers run between batches', { skip: fanotifyProblem()?.reason }, async () => {
  assertInterleaved(await burstWhileScheduling('fanotify'));
});
