// sendHostReport: the host report mail, sent to a real SMTP sink.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { cpus, hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { sendHostReport } from '../../../recipes/alert/index.js';
import { startSmtpSink } from '../../helpers/smtp-sink.js';
import { tmpDir } from '../../helpers/tmp-dir.js';

test('host report mail: every field rendered, and templates can be overridden', async () => {
  const sink = await startSmtpSink();
  const spoolDir = join(tmpDir(), 'spool');
  const result = await sendHostReport(
    { to: ['ops@example.com'], smtp: { url: sink.url }, spoolDir, paths: ['/', tmpDir()] },
    { cpuSampleMs: 20 },
  );
  assert.equal(result.delivered, true);
  const { mail } = sink.received[0]!;
  assert.equal(mail.subject, `[tswatch] host report: ${hostname()}`);
  const text = mail.text ?? '';
  for (const field of [`Host report: ${hostname()}`, 'booted ', `${cpus().length} CPUs`, '% busy', 'load ', 'memory ', 'disk      / (']) {
    assert.ok(text.includes(field), `text has ${JSON.stringify(field)}:\n${text}`);
  }
  assert.match(text, /booted\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(up /);
  assert.match(String(mail.html), /<td>memory<\/td><td>[\d.]+ \w?i?B of [\d.]+ \w?i?B used/);

  const templateDir = tmpDir();
  writeFileSync(join(templateDir, 'subject.eta'), 'STATUS <%= it.host.hostname %> <%= it.host.cpuCount %> cpus');
  writeFileSync(join(templateDir, 'host-text.eta'), 'load=<%= it.host.loadAverage[0] %> mem=<%= it.host.memory.usedPercent %>%');
  await sendHostReport({ to: ['ops@example.com'], smtp: { url: sink.url }, spoolDir, templateDir }, { cpuSampleMs: 20 });
  await sink.until(2);
  assert.equal(sink.received[1]!.mail.subject, `STATUS ${hostname()} ${cpus().length} cpus`);
  assert.match(sink.received[1]!.mail.text ?? '', /^load=[\d.]+ mem=[\d.]+%/m);
});
