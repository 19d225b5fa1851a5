import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Spool } from '../../../recipes/alert/spool.js';
import { tmpDir } from '../../helpers/tmp-dir.js';

const mail = { messageId: '<m@h>', envelope: { from: 'a@h', to: ['b@h'] }, raw: 'Subject: x\r\n\r\nbody' };

test('add writes one complete file and no temp file is left', () => {
  const spool = new Spool(join(tmpDir(), 'spool'));
  spool.open();
  const entry = spool.add({ mail });
  assert.deepEqual(readdirSync(spool.dir), [`${entry.id}.json`]);
  assert.deepEqual(spool.list(), [entry]);
});

test('an entry can be claimed once; done removes it, release puts it back with its retry state', () => {
  const spool = new Spool(join(tmpDir(), 'spool'));
  spool.open();
  const a = spool.add({ mail });
  assert.equal(spool.claim(a), true);
  assert.equal(spool.claim(a), false, 'a second sender does not get it');
  assert.deepEqual(spool.list(), [], 'a claimed entry is not listed');
  spool.release({ ...a, attempts: 1, nextAttempt: 42 });
  assert.deepEqual(
    spool.list().map((e) => [e.attempts, e.nextAttempt]),
    [[1, 42]],
  );
  assert.equal(spool.claim(a), true);
  spool.done(a);
  assert.deepEqual(readdirSync(spool.dir), []);
});

test('a claim left by a killed process, and its temp files, are recovered at open', () => {
  const dir = join(tmpDir(), 'spool');
  const spool = new Spool(dir);
  spool.open();
  const entry = spool.add({ mail });
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
  renameSync(join(dir, `${entry.id}.json`), join(dir, `${entry.id}.json.${dead}.sending`));
  writeFileSync(join(dir, `.tmp-x-${dead}`), '{"half": ');
  new Spool(dir).open();
  assert.deepEqual(readdirSync(dir), [`${entry.id}.json`]);
});

test('an unreadable entry is set aside, not retried forever', () => {
  const spool = new Spool(join(tmpDir(), 'spool'));
  spool.open();
  writeFileSync(join(spool.dir, '1-bad.json'), 'not json');
  assert.deepEqual(spool.list(), []);
  assert.deepEqual(readdirSync(spool.dir), ['1-bad.json.corrupt']);
});
