/** CopyQueue: bounded, ordered per path (ancestors and descendants included), coalescing. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CopyQueue, type Job } from '../../../recipes/backup/copy-queue.js';

/** Jobs that finish only when the test says so, recording when they start. */
function harness(concurrency: number) {
  const started: string[] = [];
  const release = new Map<string, () => void>();
  const queue = new CopyQueue(concurrency, (err) => assert.fail(String(err)));
  const job = (name: string, paths: string[], extra: Partial<Job> = {}): Job & { paths: string[] } => ({
    paths,
    run: () =>
      new Promise<void>((resolve) => {
        started.push(name);
        release.set(name, resolve);
      }),
    ...extra,
  });
  const finish = async (name: string): Promise<void> => {
    release.get(name)!();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { queue, job, started, finish };
}

test('runs at most `concurrency` jobs on unrelated paths at once', async () => {
  const { queue, job, started, finish } = harness(2);
  for (const name of ['a', 'b', 'c']) void queue.push(job(name, [name]));
  assert.deepEqual(started, ['a', 'b']);
  await finish('a');
  assert.deepEqual(started, ['a', 'b', 'c']);
});

test('a job waits for earlier jobs on the same path, an ancestor or a descendant; others overtake it', async () => {
  const { queue, job, started, finish } = harness(8);
  void queue.push(job('copy d/x', ['d/x']));
  void queue.push(job('rename d', ['d', 'e'], { structural: true }));
  void queue.push(job('copy e/y', ['e/y']));
  void queue.push(job('copy other', ['other']));
  assert.deepEqual(started, ['copy d/x', 'copy other']);
  await finish('copy d/x');
  assert.deepEqual(started, ['copy d/x', 'copy other', 'rename d']);
  await finish('rename d');
  assert.deepEqual(started.at(-1), 'copy e/y');
});

test('a whole-tree job ("") waits for everything before it and holds everything after it', async () => {
  const { queue, job, started, finish } = harness(8);
  void queue.push(job('a', ['a']));
  void queue.push(job('resync', [''], { structural: true }));
  void queue.push(job('b', ['b']));
  assert.deepEqual(started, ['a']);
  await finish('a');
  assert.deepEqual(started, ['a', 'resync']);
  await finish('resync');
  assert.deepEqual(started, ['a', 'resync', 'b']);
});

test('repeated waiting copies of one path coalesce, but never across a rename or delete', async () => {
  const { queue, job, started, finish } = harness(1);
  void queue.push(job('busy', ['busy']));
  void queue.push(job('f#1', ['f'], { coalesceKey: 'copy:f' }));
  void queue.push(job('f#2', ['f'], { coalesceKey: 'copy:f' }));
  void queue.push(job('f#3', ['f'], { coalesceKey: 'copy:f' }));
  void queue.push(job('del f', ['f'], { structural: true }));
  void queue.push(job('f#4', ['f'], { coalesceKey: 'copy:f' }));
  for (const name of ['busy', 'f#1', 'del f']) await finish(name);
  assert.deepEqual(started, ['busy', 'f#1', 'del f', 'f#4']);
});

test('a job that is not ready holds its place until made ready', async () => {
  const { queue, job, started, finish } = harness(4);
  const move = job('move a', ['a'], { ready: false, structural: true });
  void queue.push(move);
  void queue.push(job('copy a', ['a']));
  void queue.push(job('copy z', ['z']));
  assert.deepEqual(started, ['copy z']);
  move.ready = true;
  move.paths.push('b');
  queue.pump();
  assert.deepEqual(started, ['copy z', 'move a']);
  await finish('move a');
  assert.deepEqual(started, ['copy z', 'move a', 'copy a']);
  await finish('copy a');
  await finish('copy z');
  await queue.idle();
});
