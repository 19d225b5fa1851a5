/**
 * The test helpers' clean-up: a test file whose temp dir cannot be removed still kills the processes it
 * started and ends. (A throwing `after` hook skipped the kill, and the file then hung until CI's limit.)
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { tmpDir } from './helpers/tmp-dir.js';
import { waitFor } from './helpers/wait-for.js';

const HELPERS = new URL('./helpers/', import.meta.url).href;

test('a temp dir that cannot be removed (a mount inside it) still lets the file kill its processes and end', async (t) => {
  const work = tmpDir();
  // Where the inner file says what it mounted: outside any temp dir, so this test can undo it whatever the order of clean-ups.
  const busyAt = join(tmpdir(), `tswatch-busy-${process.pid}`);
  const pidFile = join(work, 'sleeper.pid');
  const file = join(work, 'inner.test.mjs');
  writeFileSync(
    file,
    `import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { tmpDir } from '${HELPERS}tmp-dir.js';
import { spawnCommand } from '${HELPERS}spawn-cli.js';
test('leaves a busy temp dir and a running process', () => {
  const dir = tmpDir();
  mkdirSync(join(dir, 'busy'));
  if (spawnSync('mount', ['-t', 'tmpfs', 'none', join(dir, 'busy')]).status !== 0) throw new Error('mount failed');
  writeFileSync(${JSON.stringify(busyAt)}, join(dir, 'busy'));
  const sleeper = spawnCommand('sleep', ['1000']);
  writeFileSync(${JSON.stringify(pidFile)}, String(sleeper.child.pid));
});
`,
  );
  // Run as a test file of its own (not a subtest of this one's runner).
  const env = { ...process.env, NODE_TEST_CONTEXT: undefined };
  const inner = spawn(process.execPath, [file], { stdio: 'pipe', env });
  let output = '';
  inner.stdout.on('data', (c: Buffer) => (output += c.toString()));
  inner.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const code = new Promise<number | null>((resolve) => inner.on('close', resolve));
  t.after(() => {
    inner.kill('SIGKILL');
    if (!existsSync(busyAt)) return;
    const busy = readFileSync(busyAt, 'utf8');
    spawnSync('umount', ['-l', busy]);
    rmSync(dirname(busy), { recursive: true, force: true });
    rmSync(busyAt);
  });
  let ended = false;
  void code.then(() => {
    ended = true;
  });
  await waitFor(
    () => ended,
    () => `the inner test file to end (it hangs when the clean-up throws): ${output}`,
    30_000,
  );
  assert.equal(await code, 0, output); // its test passed; the clean-up said what it could not do
  assert.match(output, /cleanup: removing .*: /);
  const pid = Number(readFileSync(pidFile, 'utf8'));
  assert.ok(pid > 0);
  assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, 'the process the file started was killed');
});
