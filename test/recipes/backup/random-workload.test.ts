/** Convergence under a burst of mixed operations: whatever the order of events, DEST ends equal to SRC. */
import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, existsSync, lstatSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertSameTree, backupDirs, startBackup, tempFiles, walk } from './backup-fixture.js';

/** A small deterministic PRNG (mulberry32), so a failing seed can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One random operation on a few names in a few directories; failures (ENOENT, ENOTEMPTY…) are part of the game. */
function step(src: string, rnd: () => number): void {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
  const dirs = ['', 'a', 'b', 'a/c', 'b/d'];
  const names = ['x', 'y', 'z', 'a', 'b', 'c', 'd'];
  const path = (): string => join(src, pick(dirs), pick(names));
  const ops = [
    () => writeFileSync(path(), `w ${rnd()}\n`.repeat(1 + Math.floor(rnd() * 2000))),
    () => appendFileSync(path(), `append ${rnd()}\n`),
    () => renameSync(path(), path()),
    () => mkdirSync(path(), { recursive: true }),
    () => rmSync(path(), { recursive: true }),
    () => symlinkSync(pick(['x', '../y', '/etc/hostname']), path()),
    () => chmodSync(path(), pick([0o600, 0o644, 0o755])),
  ];
  try {
    pick(ops)();
  } catch {
    // the name was missing, or of the wrong type: the operation simply did not happen
  }
}

// Seeds that once broke an earlier version (races between renames, re-creations and scans).
for (const seed of [1, 2, 13, 14, 18, 31]) {
  test(`random workload, seed ${seed}: DEST converges to SRC with no temp files`, async () => {
    const { src, dest } = backupDirs();
    mkdirSync(join(src, 'a/c'), { recursive: true });
    mkdirSync(join(src, 'b/d'), { recursive: true });
    const rnd = random(seed);
    for (let i = 0; i < 100; i++) step(src, rnd);
    const { settle, errors } = await startBackup(src, dest, { versions: 2 });
    for (let i = 0; i < 600; i++) step(src, rnd);
    await settle();
    assertSameTree(src, dest);
    for (const entry of walk(src)) {
      const s = lstatSync(join(src, entry));
      if (s.isSymbolicLink()) continue;
      assert.equal(lstatSync(join(dest, entry)).mode, s.mode, `mode of ${entry}`);
    }
    assert.deepEqual(tempFiles(dest), []);
    assert.deepEqual(errors.map(String), []);
    assert.ok(existsSync(src));
  });
}

for (const seed of [7, 8, 9]) {
  test(`random workload, seed ${seed}: stopped mid-burst, SRC changed while stopped, a restart converges`, async () => {
    const { src, dest } = backupDirs();
    mkdirSync(join(src, 'a/c'), { recursive: true });
    mkdirSync(join(src, 'b/d'), { recursive: true });
    const rnd = random(seed);
    for (let i = 0; i < 100; i++) step(src, rnd);
    const first = await startBackup(src, dest, { versions: 2 });
    for (let i = 0; i < 300; i++) step(src, rnd);
    await first.backup.stop(); // queued work is dropped, as a kill would
    for (let i = 0; i < 200; i++) step(src, rnd);
    const second = await startBackup(src, dest, { versions: 2 });
    await second.settle();
    assertSameTree(src, dest);
    assert.deepEqual(tempFiles(dest), []);
    assert.deepEqual([...first.errors, ...second.errors].map(String), []);
  });
}
