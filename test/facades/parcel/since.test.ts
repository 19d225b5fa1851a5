// tswatch/parcel's writeSnapshot and getEventsSince: what changed between two moments, folded as one
// batch, on the same DirectorySnapshot the core uses for its state between runs.
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { getEventsSince, writeSnapshot } from '../../../facades/parcel/index.js';
import { tmpDir } from '../../helpers/tmp-dir.js';

function setup() {
  const dir = tmpDir();
  const snap = join(tmpDir(), 'snapshot');
  return { dir, snap, p: (name: string) => join(dir, name) };
}

test('creates, updates (content or new inode), deletes and moves (delete + create), sorted by path', async () => {
  const { dir, snap, p } = setup();
  for (const f of ['upd', 'del', 'mv', 'same']) writeFileSync(p(f), 'x');
  mkdirSync(p('d/sub'), { recursive: true });
  writeFileSync(p('d/sub/f'), 'x');
  symlinkSync(p('same'), p('link'));
  assert.equal(await writeSnapshot(dir, snap), snap);
  writeFileSync(p('new'), 'x');
  writeFileSync(p('upd'), 'longer');
  unlinkSync(p('del'));
  renameSync(p('mv'), p('mv2'));
  writeFileSync(p('link'), 'through the link'); // the target changes, not the link
  rmSync(p('d'), { recursive: true });
  mkdirSync(p('nd'));
  writeFileSync(p('nd/f'), 'x');
  assert.deepEqual(await getEventsSince(dir, snap), [
    { type: 'delete', path: p('d') },
    { type: 'delete', path: p('d/sub') },
    { type: 'delete', path: p('d/sub/f') },
    { type: 'delete', path: p('del') },
    { type: 'delete', path: p('mv') },
    { type: 'create', path: p('mv2') },
    { type: 'create', path: p('nd') },
    { type: 'create', path: p('nd/f') },
    { type: 'create', path: p('new') },
    { type: 'update', path: p('same') },
    { type: 'update', path: p('upd') },
  ]);
});

test('changes in between fold: created then deleted is nothing, a chain of renames the last name', async () => {
  const { dir, snap, p } = setup();
  writeFileSync(p('old'), 'x');
  await writeSnapshot(dir, snap);
  writeFileSync(p('brief'), 'x');
  unlinkSync(p('brief'));
  writeFileSync(p('a'), 'x');
  renameSync(p('a'), p('b'));
  renameSync(p('b'), p('c'));
  unlinkSync(p('old'));
  writeFileSync(p('old'), 'a new file at the old path');
  assert.deepEqual(await getEventsSince(dir, snap), [
    { type: 'create', path: p('c') },
    { type: 'update', path: p('old') },
  ]);
  assert.deepEqual(await getEventsSince(dir, snap), await getEventsSince(dir, snap), 'reading a snapshot leaves it as it is');
});

test('ignore applies to what is recorded and to what is reported', async () => {
  const { dir, snap, p } = setup();
  mkdirSync(p('skip'));
  await writeSnapshot(dir, snap, { ignore: ['skip', '*.log'] });
  writeFileSync(p('skip/f'), 'x');
  writeFileSync(p('x.log'), 'x');
  writeFileSync(p('kept'), 'x');
  assert.deepEqual(await getEventsSince(dir, snap, { ignore: ['skip', '*.log'] }), [{ type: 'create', path: p('kept') }]);
});

test('errors say what is wrong: a missing directory, a file, no snapshot, a snapshot of something else', async () => {
  const { dir, snap, p } = setup();
  await assert.rejects(writeSnapshot(p('nope'), snap), /cannot snapshot '.*nope': no such directory/);
  writeFileSync(p('file'), '');
  await assert.rejects(writeSnapshot(p('file'), snap), /cannot snapshot '.*file': not a directory/);
  await assert.rejects(getEventsSince(dir, snap), /cannot read the snapshot .*: ENOENT/);
  writeFileSync(snap, 'a snapshot @parcel/watcher wrote');
  await assert.rejects(getEventsSince(dir, snap), (err: Error & { hint?: string }) => {
    assert.match(err.message, /is not a snapshot written by tswatch\/parcel/);
    assert.match(err.hint ?? '', /writeSnapshot/);
    return true;
  });
  mkdirSync(p('other'));
  await writeSnapshot(p('other'), snap);
  await assert.rejects(getEventsSince(dir, snap), /the snapshot '.*' is of '.*other', not of/);
});
