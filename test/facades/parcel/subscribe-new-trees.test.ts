// tswatch/parcel's subscribe on the real kernel, beyond @parcel/watcher's suite: a new or moved-in tree is
// reported complete, with what it held before its watch existed.
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tmpDir } from '../../helpers/tmp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';
import { batches } from './batches.js';

// Each test's filesystem steps run synchronously in one tick, so they are all queued before the
// facade sees the first of them: the batch they land in does not depend on timing.

test('a new subtree is reported complete: what was made in it before its watch existed is scanned', async () => {
  const dir = tmpDir();
  const w = await batches(dir);
  const expected: string[] = [];
  for (let i = 0; i < 20; i++) {
    const sub = join(dir, 'tree', `d${i}`, 'inner');
    mkdirSync(sub, { recursive: true });
    expected.push(join(dir, 'tree', `d${i}`), sub);
    for (let j = 0; j < 25; j++) {
      writeFileSync(join(sub, `f${j}`), 'x');
      expected.push(join(sub, `f${j}`));
    }
  }
  expected.push(join(dir, 'tree'));
  await waitFor(
    () => w.all().length >= expected.length,
    () => `${expected.length} creates, have ${w.all().length}`,
  );
  const created = w
    .all()
    .filter((e) => e.type === 'create')
    .map((e) => e.path);
  assert.deepEqual([...created].sort(), [...expected].sort());
  assert.equal(new Set(created).size, created.length, 'each path once');
});

test('a directory moved in from outside is created with what it holds (the tree now has it all)', async () => {
  const dir = tmpDir();
  const outside = tmpDir();
  mkdirSync(join(outside, 'pkg/lib'), { recursive: true });
  writeFileSync(join(outside, 'pkg/lib/index.js'), 'x');
  const w = await batches(dir);
  renameSync(join(outside, 'pkg'), join(dir, 'pkg'));
  assert.deepEqual(await w.batch(0), [
    { type: 'create', path: join(dir, 'pkg') },
    { type: 'create', path: join(dir, 'pkg/lib') },
    { type: 'create', path: join(dir, 'pkg/lib/index.js') },
  ]);
});
