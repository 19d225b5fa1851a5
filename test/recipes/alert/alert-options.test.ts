// AlertEmail's options checked before anything is watched or spooled: clear errors with hints.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { AlertEmail, type AlertOptions } from '../../../recipes/alert/index.js';
import { tmpDir } from '../../helpers/tmp-dir.js';

test('a dry run needs no SMTP password (nothing is sent); a real run does', () => {
  const dir = tmpDir();
  const options: AlertOptions = {
    rules: [{ paths: [dir] }],
    mail: { to: ['ops@example.com'] },
    smtp: { user: 'alerts' },
    spoolDir: join(dir, 'spool'),
  };
  assert.doesNotThrow(() => new AlertEmail({ ...options, dryRun: true }));
  assert.throws(() => new AlertEmail(options), /SMTP user 'alerts' has no password/);
});

test('bad options are named with a hint, before anything is watched', () => {
  const fails = (options: AlertOptions, message: RegExp) =>
    assert.throws(
      () => new AlertEmail(options),
      (err: Error & { hint?: string }) => message.test(`${err.message} ${err.hint}`),
    );
  const dir = tmpDir();
  const mail = { to: ['ops@example.com'] };
  fails({ rules: [{ paths: [dir], events: ['crate'] }], mail }, /unknown event name 'crate'.*valid event names: access/);
  fails({ rules: [{ paths: [dir], checks: { sizeAbove: '10 parsecs' } }], mail }, /sizeAbove.*not valid.*10M/);
  fails({ rules: [{ paths: [dir], checks: { match: '(' } }], mail }, /match.*regular expression/);
  fails({ rules: [{ paths: [dir] }], mail: { to: [] } }, /recipient.*--to/);
  fails({ rules: [{ paths: [dir] }], mail, window: -1 }, /window.*seconds/);
  fails({ rules: [{ paths: [dir] }], mail, smtp: { url: 'http://mail' } }, /scheme 'http:'.*smtp:\/\//);
  fails({ rules: [{ paths: [dir] }], mail, smtp: { url: 'smtp://me@mail' } }, /user 'me' has no password.*TSWATCH_SMTP_PASS/);
});

test('a path that does not exist is an error naming it', async () => {
  const alert = new AlertEmail({ rules: [{ paths: ['/nonexistent/dir/file'] }], mail: { to: ['a@b'] }, spoolDir: join(tmpDir(), 's') });
  await assert.rejects(alert.start(), (err: Error & { hint?: string }) => /\/nonexistent\/dir/.test(err.message) && err.hint !== undefined);
});

test('a bad recipient address is refused at start, before anything is spooled', () => {
  const spoolDir = join(tmpDir(), 'spool');
  assert.throws(
    () => new AlertEmail({ rules: [{ paths: [tmpDir()] }], mail: { to: ['not an address'] }, spoolDir }),
    /mail\.to: "not an address" is not valid/,
  );
  assert.throws(
    () => new AlertEmail({ rules: [{ paths: [tmpDir()], to: ['a@b', 'x y@z'] }], mail: { to: [] }, spoolDir }),
    /rules\[0\]\.to: "x y@z" is not valid/,
  );
});
