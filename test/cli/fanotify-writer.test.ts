import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { recordEvent } from '../../recipes/fleet/index.js';
import { fanotifyProblem } from '../../src/backends/fanotify-support.js';
import { spawnTswatch } from '../helpers/spawn-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

test('--backend fanotify: --format %p %u, --json and a fleet record name the writer', { skip: fanotifyProblem()?.reason }, async (t) => {
  const dir = tmpDir();
  const sinkFile = join(tmpDir(), 'events.jsonl');
  const format = spawnTswatch(['--backend', 'fanotify', '-m', '-e', 'create', '--format', '%f %p %u', dir]);
  const json = spawnTswatch(['--backend', 'fanotify', '-m', '-e', 'create', '--json', '--sink', `file://${sinkFile}`, dir]);
  const plain = spawnTswatch(['-m', '-e', 'create', '--format', '%f [%p] [%u]', dir]);
  await Promise.all([format, json, plain].map((run) => run.waitStderr('Watches established.')));
  const file = join(dir, 'by-node');
  const writer = spawn(process.execPath, ['-e', `require('fs').writeFileSync(${JSON.stringify(file)}, 'x'); setTimeout(() => {}, 60000)`], {
    stdio: 'ignore',
  });
  t.after(() => writer.kill('SIGKILL'));
  await format.waitLines(1);
  assert.equal(format.lines()[0], `by-node ${writer.pid} root`);
  await json.waitLines(1);
  const record = JSON.parse(json.lines()[0]!) as Record<string, unknown>;
  assert.deepEqual([record.pid, record.uid, record.user, record.comm, record.exe], [writer.pid, 0, 'root', 'node', process.execPath]);
  await waitFor(() => existsSync(sinkFile) && readFileSync(sinkFile, 'utf8').includes('by-node'), 'the fleet record');
  const event = recordEvent(JSON.parse(readFileSync(sinkFile, 'utf8').trim().split('\n')[0]!));
  assert.deepEqual([event.pid, event.comm], [writer.pid, 'node']);
  // inotify knows no writer: the conversions are empty, never made up.
  await plain.waitLines(1);
  assert.equal(plain.lines()[0], 'by-node [] []');
});
