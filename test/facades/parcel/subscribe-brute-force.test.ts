// tswatch/parcel's subscribe with backend 'brute-force': polled, and without warnings about masks.
import assert from 'node:assert/strict';
import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tmpDir } from '../../helpers/tmp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';
import { batches } from './batches.js';

test("backend: 'brute-force' polls (creates and deletes seen), without a warning about masks parcel has none of", async () => {
  const dir = tmpDir();
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  process.on('warning', onWarning);
  try {
    const w = await batches(dir, { backend: 'brute-force' });
    writeFileSync(join(dir, 'a'), 'x');
    await waitFor(() => w.all().some((e) => e.type === 'create'), 'the create, polled');
    unlinkSync(join(dir, 'a'));
    await waitFor(() => w.all().some((e) => e.type === 'delete'), 'the delete, polled');
    assert.deepEqual(w.all(), [
      { type: 'create', path: join(dir, 'a') },
      { type: 'delete', path: join(dir, 'a') },
    ]);
  } finally {
    process.off('warning', onWarning);
  }
  assert.deepEqual(
    warnings.map((w) => w.message),
    [],
  );
});
