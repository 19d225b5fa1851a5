// A DEST directory whose mtime is off by under a millisecond still gets SRC's: a copy renamed into DEST's
// top within a millisecond of SRC's own change once left the top so, and the times check let it pass.
import assert from 'node:assert/strict';
import { mkdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { backupDirs, startBackup } from './backup-fixture.js';

test('a start gives DEST directories SRC mtimes exactly, also where they were off by under a millisecond', async () => {
  const { src, dest } = backupDirs();
  mkdirSync(join(src, 'd'));
  writeFileSync(join(src, 'd/f'), 'x');
  await (await startBackup(src, dest)).backup.stop();
  for (const dir of ['', 'd']) {
    const s = statSync(join(src, dir));
    utimesSync(join(dest, dir), s.atimeMs / 1000, (s.mtimeMs + 0.4) / 1000);
  }
  await (await startBackup(src, dest)).backup.stop();
  for (const dir of ['', 'd']) {
    const [s, d] = [statSync(join(src, dir)), statSync(join(dest, dir))];
    // Times cross utimes(2) as floating seconds: equal to the microsecond.
    assert.ok(Math.abs(d.mtimeMs - s.mtimeMs) < 0.001, `mtime of ${dir || 'the top'}: ${d.mtimeMs} vs ${s.mtimeMs}`);
  }
});
