/**
 * A script that signals tswatch the moment it reads "Watches established." gets a clean stop: the
 * handler is in place before the line is written (it was installed just after, and a fast SIGTERM
 * killed tswatch without saving its state, exit by signal).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { TSWATCH_BIN } from '../helpers/spawn-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';

/** Run `tswatch ARGS`, SIGTERM it in the same tick its stderr shows the ready line; its exit code and signal. */
function stopWhenReady(args: string[], cwd: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const child = spawn(process.execPath, [TSWATCH_BIN, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let sent = false;
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (!sent && stderr.includes('Watches established.')) {
      sent = true;
      child.kill('SIGTERM');
    }
  });
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
}

const ROUNDS = 8; // the window was a few microseconds: most rounds fell in it when it was there

for (const [what, args] of [
  ['tswatch -m -r --state', (dir: string) => ['-m', '-r', '--state', join(dir, 's.gz'), join(dir, 'site')]],
  [
    'tswatch alert --dry-run',
    (dir: string) => ['alert', join(dir, 'site'), '--to', 'a@example.com', '--dry-run', '--spool', join(dir, 'spool')],
  ],
] as const) {
  test(`${what}: SIGTERM as soon as "Watches established." is read stops it cleanly (exit 0), every time`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const dir = tmpDir();
      mkdirSync(join(dir, 'site/a'), { recursive: true });
      const { code, signal, stderr } = await stopWhenReady(args(dir), dir);
      assert.deepEqual({ code, signal }, { code: 0, signal: null }, `round ${round}: ${stderr}`);
    }
  });
}
