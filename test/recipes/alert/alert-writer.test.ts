import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { AlertEmail } from '../../../recipes/alert/index.js';
import { fanotifyProblem } from '../../../src/backends/fanotify-support.js';
import { startSmtpSink } from '../../helpers/smtp-sink.js';
import { tmpDir } from '../../helpers/tmp-dir.js';

/** One alert mail for a file written by a process that stays alive; TSWATCH_BACKEND picks the backend. */
async function mailFor(t: { after: (fn: () => unknown) => void }, backend: string) {
  const sink = await startSmtpSink();
  const dir = tmpDir();
  const before = process.env.TSWATCH_BACKEND;
  process.env.TSWATCH_BACKEND = backend;
  const alert = new AlertEmail({
    rules: [{ paths: [dir], events: ['create'] }],
    smtp: { url: sink.url },
    mail: { to: ['ops@example.com'] },
    spoolDir: join(tmpDir(), 'spool'),
    window: 0.3,
  });
  try {
    await alert.start();
  } finally {
    if (before === undefined) delete process.env.TSWATCH_BACKEND;
    else process.env.TSWATCH_BACKEND = before;
  }
  t.after(() => alert.stop());
  const file = join(dir, 'changed');
  const writer = spawn(process.execPath, ['-e', `require('fs').writeFileSync(${JSON.stringify(file)}, 'x'); setTimeout(() => {}, 60000)`], {
    stdio: 'ignore',
  });
  t.after(() => writer.kill('SIGKILL'));
  await sink.until(1);
  return { mail: sink.received[0]!.mail, pid: writer.pid!, file };
}

test('alert mail names the process, pid and user that changed the file (fanotify)', { skip: fanotifyProblem()?.reason }, async (t) => {
  const { mail, pid, file } = await mailFor(t, 'fanotify');
  assert.ok(mail.text?.includes(file), mail.text);
  assert.match(mail.text ?? '', new RegExp(`changed by node, pid ${pid}, user root`));
  assert.match(String(mail.html), new RegExp(`changed by node, pid ${pid}, user root`));
});

test('alert mail on inotify names no writer: it is not known there', async (t) => {
  const { mail, file } = await mailFor(t, 'inotify');
  assert.ok(mail.text?.includes(file), mail.text);
  assert.doesNotMatch(mail.text ?? '', /changed by/);
});
