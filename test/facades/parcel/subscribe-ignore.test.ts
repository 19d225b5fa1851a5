// tswatch/parcel's subscribe: what `ignore` leaves out, per subscription, as @parcel/watcher does.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { subscribe } from '../../../facades/parcel/index.js';
import { tmpDir } from '../../helpers/tmp-dir.js';
import { batches } from './batches.js';

// Each test's filesystem steps run synchronously in one tick, so they are all queued before the
// facade sees the first of them: the batch they land in does not depend on timing.

test('ignore: paths (relative or absolute, with what is below), globs and regular expressions', async () => {
  const dir = tmpDir();
  mkdirSync(join(dir, 'g/ignore'), { recursive: true });
  mkdirSync(join(dir, 'g/erongi/deep'), { recursive: true });
  const w = await batches(dir, {
    ignore: ['skipdir', join(dir, 'skipfile'), 'g/*.ignore', 'g/ignore/**', 'g/[a-e]?on(g|l)i/**', /node_modules/, /\.tmp$/],
  });
  mkdirSync(join(dir, 'skipdir'));
  writeFileSync(join(dir, 'skipdir/f'), '');
  writeFileSync(join(dir, 'skipfile'), '');
  for (const f of ['g/x.ignore', 'g/ignore/x', 'g/erongi/x', 'g/erongi/deep/x', 'save.tmp']) writeFileSync(join(dir, f), '');
  mkdirSync(join(dir, 'node_modules/pkg'), { recursive: true });
  writeFileSync(join(dir, 'node_modules/pkg/index.js'), '');
  writeFileSync(join(dir, 'g/kept'), '');
  writeFileSync(join(dir, 'kept'), '');
  assert.deepEqual(await w.batch(0), [
    { type: 'create', path: join(dir, 'g/kept') },
    { type: 'create', path: join(dir, 'kept') },
  ]);
});

test('a regular expression with flags is refused, as parcel refuses it', async () => {
  const dir = tmpDir();
  await assert.rejects(
    subscribe(dir, () => {}, { ignore: [/foo/i] }),
    /Flags are not supported/,
  );
});

test('several subscriptions on one directory each get the events their own ignore lets through', async () => {
  const dir = tmpDir();
  const all = await batches(dir);
  const no1 = await batches(dir, { ignore: ['one'] });
  const no2 = await batches(dir, { ignore: [join(dir, 'two')] });
  writeFileSync(join(dir, 'one'), '');
  writeFileSync(join(dir, 'two'), '');
  const both = [
    { type: 'create', path: join(dir, 'one') },
    { type: 'create', path: join(dir, 'two') },
  ];
  assert.deepEqual(await all.batch(0), both);
  assert.deepEqual(await no1.batch(0), [both[1]]);
  assert.deepEqual(await no2.batch(0), [both[0]]);
});
