import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { describeSmtp, smtpTransportConfig } from '../../../recipes/alert/smtp-config.js';
import { tmpDir } from '../../helpers/tmp-dir.js';

test('URL, security modes and default ports', () => {
  const plain = smtpTransportConfig({}, {});
  assert.deepEqual([plain.host, plain.port, plain.secure, plain.requireTLS, plain.ignoreTLS], ['localhost', 25, false, false, false]);
  const smtps = smtpTransportConfig({ url: 'smtps://mail.example.com' }, {});
  assert.deepEqual([smtps.host, smtps.port, smtps.secure], ['mail.example.com', 465, true]);
  const starttls = smtpTransportConfig({ url: 'smtp://mail.example.com:587', security: 'starttls' }, {});
  assert.deepEqual([starttls.port, starttls.secure, starttls.requireTLS], [587, false, true]);
  assert.equal(smtpTransportConfig({ security: 'none' }, {}).ignoreTLS, true);
  const overridden = smtpTransportConfig({ url: 'smtp://a:25', host: 'b', port: 2525 }, {});
  assert.deepEqual([overridden.host, overridden.port], ['b', 2525]);
  assert.equal(smtpTransportConfig({}, { TSWATCH_SMTP_URL: 'smtp://envhost:1025' }).host, 'envhost');
});

test('the password: environment first, then a file, then the URL; never shown', () => {
  const file = join(tmpDir(), 'pass');
  writeFileSync(file, 'from-file\nignored second line\n');
  const env = { TSWATCH_SMTP_PASS: 'from-env' };
  assert.equal(smtpTransportConfig({ url: 'smtp://u:from-url@h' }, env).auth?.pass, 'from-env');
  assert.equal(smtpTransportConfig({ url: 'smtp://u:from-url@h', passFile: file }, {}).auth?.pass, 'from-file');
  assert.equal(smtpTransportConfig({ user: 'u' }, { TSWATCH_SMTP_PASS_FILE: file }).auth?.pass, 'from-file');
  const fromUrl = smtpTransportConfig({ url: 'smtp://us%40er:p%3Ass@h' }, {});
  assert.deepEqual(fromUrl.auth, { user: 'us@er', pass: 'p:ss' });
  assert.equal(describeSmtp(fromUrl), 'smtp://us@er@h:25 (STARTTLS if offered)');
  assert.ok(!describeSmtp(fromUrl).includes('p:ss'));
});

test('mistakes are named with a fix', () => {
  const hint = (fn: () => unknown): string => {
    try {
      fn();
    } catch (err) {
      return `${(err as Error).message} / ${(err as { hint?: string }).hint}`;
    }
    return 'no error';
  };
  assert.match(
    hint(() => smtpTransportConfig({ user: 'u' }, {})),
    /user 'u' has no password \/ set TSWATCH_SMTP_PASS/,
  );
  assert.match(
    hint(() => smtpTransportConfig({ url: 'smtp://u:secret@h', port: 99999 }, {})),
    /port '99999'.*1 to 65535/,
  );
  assert.match(
    hint(() => smtpTransportConfig({ url: 'imap://h' }, {})),
    /scheme 'imap:'/,
  );
  assert.match(
    hint(() => smtpTransportConfig({ url: 'smtp://u:secret@[bad' }, {})),
    /not a URL/,
  );
  assert.ok(!hint(() => smtpTransportConfig({ url: 'smtp://u:secret@[bad' }, {})).includes('secret'), 'the password is not echoed');
  assert.match(
    hint(() => smtpTransportConfig({ passFile: '/nonexistent/pass', user: 'u' }, {})),
    /cannot read the SMTP password file/,
  );
});
