// tswatch/parcel's subscribe and unsubscribe: what can be subscribed to, and what stops a subscription.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { subscribe, unsubscribe } from '../../../facades/parcel/index.js';
import { tmpDir } from '../../helpers/tmp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';
import { batches } from './batches.js';

test('a missing directory or a file cannot be subscribed to: a clear error, not a stack', async () => {
  const dir = tmpDir();
  await assert.rejects(
    subscribe(join(dir, 'nope'), () => {}),
    (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ENOENT');
      assert.match(err.message, /cannot watch '.*nope': no such directory/);
      return true;
    },
  );
  writeFileSync(join(dir, 'file'), '');
  await assert.rejects(
    subscribe(join(dir, 'file'), () => {}),
    /cannot watch '.*file': not a directory/,
  );
});

test('unsubscribe(dir, fn, opts) stops the subscription made with the same three', async () => {
  const dir = tmpDir();
  const got: string[] = [];
  const fn = (_err: Error | null, events: Array<{ path: string }>) => got.push(...events.map((e) => e.path));
  const other = await batches(dir);
  await subscribe(dir, fn, { ignore: ['x'] });
  await unsubscribe(dir, fn, { ignore: ['y'] }); // other options: another subscription, still on
  writeFileSync(join(dir, 'a'), '');
  await waitFor(() => got.length === 1 && other.all().length === 1, 'the create on both');
  await unsubscribe(dir, fn, { ignore: ['x'] });
  writeFileSync(join(dir, 'b'), '');
  // The other subscription seeing b means the kernel has delivered it; the stopped one never got it.
  await waitFor(() => other.all().length === 2, 'the second create');
  assert.deepEqual(got, [join(dir, 'a')]);
});
