/**
 * The initial sync's plan is the same whether each directory is listed on libuv's pool (the addon's
 * listStats) or read on the main thread (Node's readdir and lstat: no addon, or copies holding the pool).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, openSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { planSync } from '../../../recipes/backup/initial-sync.js';
import { tmpDir } from '../../helpers/tmp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';

/** SRC and DEST that differ in every way a plan tells: same, changed, missing, only in DEST, temps, a symlink. */
function trees(): { src: string; dest: string } {
  const root = tmpDir();
  const src = join(root, 'src');
  const dest = join(root, 'dest');
  for (const side of [src, dest]) {
    mkdirSync(join(side, 'a/b'), { recursive: true });
    writeFileSync(join(side, 'same'), 'same');
    writeFileSync(join(side, 'a/b/deep'), 'deep');
    utimesSync(join(side, 'same'), 1e9, 1e9);
    utimesSync(join(side, 'a/b/deep'), 1e9, 1e9);
    symlinkSync('same', join(side, 'link'));
  }
  writeFileSync(join(src, 'changed'), 'new text');
  writeFileSync(join(dest, 'changed'), 'old');
  writeFileSync(join(src, 'a/missing'), 'x');
  mkdirSync(join(src, 'newdir'));
  writeFileSync(join(src, 'newdir/f'), 'f');
  writeFileSync(join(dest, 'extra'), 'only in DEST');
  mkdirSync(join(dest, 'a/extradir'));
  writeFileSync(join(dest, 'a/extradir/g'), 'g');
  writeFileSync(join(dest, 'a/.tswatch-tmp-0123456789ab'), 'left by a crash');
  return { src, dest };
}

test('the plan is the same with the pool and without it', async () => {
  const { src, dest } = trees();
  const options = { src, dest, isExcluded: (rel: string) => rel === 'a/b/deep-excluded' };
  const pooled = await planSync(options);
  const onMain = await planSync({ ...options, poolFree: () => false });
  assert.deepEqual(onMain, pooled);
  assert.deepEqual(
    pooled.copies.map((c) => `${c.kind} ${c.rel}`),
    ['copy changed', 'copy newdir', 'copy a/missing', 'copy newdir/f'],
  );
  assert.deepEqual(pooled.extras, ['a/extradir', 'extra']);
  assert.equal(pooled.extraEntries, 3);
  assert.deepEqual(pooled.temps, ['a/.tswatch-tmp-0123456789ab']);
  assert.equal(pooled.unchanged, 3);
});

test('without the addon the plan is the same too', async () => {
  const { src, dest } = trees();
  const options = { src, dest, isExcluded: () => false };
  const pooled = await planSync(options);
  process.env.TSWATCH_NO_NATIVE = '1';
  try {
    assert.deepEqual(await planSync(options), pooled);
  } finally {
    delete process.env.TSWATCH_NO_NATIVE;
  }
});

test('while copies hold every thread of the pool, the walk reads on the main thread, not behind them', async () => {
  const { src, dest } = trees();
  const fifo = join(tmpDir(), 'fifo');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  // Each open of a FIFO for reading blocks its pool thread until a writer comes: a copy that takes long.
  let released = 0;
  const held = Array.from({ length: Number(process.env.UV_THREADPOOL_SIZE ?? 4) }, () =>
    open(fifo, 'r').then(async (fh) => {
      await fh.close();
      released++;
    }),
  );
  try {
    // Bounded, so that a walk that waits for the pool fails here (the finally releases it) rather than hangs.
    let bound: NodeJS.Timeout | undefined;
    const plan = await Promise.race([
      planSync({ src, dest, isExcluded: () => false, poolFree: () => false }),
      new Promise<never>((_, reject) => {
        bound = setTimeout(() => reject(new Error('the walk waited for the pool')), 20_000);
      }),
    ]).finally(() => clearTimeout(bound));
    assert.equal(plan.unchanged, 3);
  } finally {
    // A writer releases the readers waiting then; one whose open had not begun yet waits for the next.
    await waitFor(() => {
      try {
        closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {
        // ENXIO: no reader waits yet
      }
      return released === held.length;
    }, 'the pool threads released');
    await Promise.all(held);
  }
});
