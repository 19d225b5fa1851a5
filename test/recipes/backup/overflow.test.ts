/** After IN_Q_OVERFLOW the backup compares the trees again: changes the kernel dropped still reach DEST. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { IN_Q_OVERFLOW } from '../../../src/index.js';
import { FakeBackend } from '../../helpers/fake-backend.js';
import { backupDirs, startBackup, until } from './backup-fixture.js';

test('a queue overflow triggers a resync of the whole tree', async () => {
  const { src, dest } = backupDirs();
  writeFileSync(join(src, 'f'), 'before');
  const backend = new FakeBackend();
  const { errors } = await startBackup(src, dest, { backend });
  assert.equal(readFileSync(join(dest, 'f'), 'utf8'), 'before');
  // Changed while the kernel was dropping events: no event for it will ever come.
  writeFileSync(join(src, 'f'), 'after, longer');
  writeFileSync(join(src, 'new'), 'new');
  backend.emit({ wd: -1, mask: IN_Q_OVERFLOW });
  await until(() => readFileSync(join(dest, 'f'), 'utf8') === 'after, longer', 'the resync');
  // The resync may copy f before new: wait for new to exist, not only for its content.
  await until(() => existsSync(join(dest, 'new')) && readFileSync(join(dest, 'new'), 'utf8') === 'new', 'the new file');
  assert.deepEqual(errors, []);
});
