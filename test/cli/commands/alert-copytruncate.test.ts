import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnCommand, spawnTswatch } from '../../helpers/spawn-cli.js';
import { tmpDir } from '../../helpers/tmp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';

const ROUNDS = 10;

/** The lines the printed mails' text parts report as matched (quoted-printable soft breaks undone). */
function reported(stdout: string): string[] {
  const text = stdout.replace(/=\n/g, '');
  return [...text.matchAll(/ matched \/LINE\/: (LINE[-\w]+)$/gm)].map((m) => m[1]!);
}

test('--match beside tail -F across 10 copytruncates: every line written just before one is reported, once', async () => {
  const dir = tmpDir();
  const log = join(dir, 'app.log');
  appendFileSync(log, 'started\n');
  const run = spawnTswatch(['alert', log, '--match', 'LINE', '--dry-run', '--window', '0.1', '--max-per-hour', '100000']);
  const tail = spawnCommand('tail', ['-F', '-n', '0', log]);
  await run.waitStderr('Watches established.');
  // tail -F says nothing when it is ready: write until it shows a line (not one --match reports).
  let lastPing = 0;
  await waitFor(() => {
    if (tail.stdout.includes('READY')) return true;
    if (Date.now() - lastPing > 50) {
      appendFileSync(log, 'READY\n');
      lastPing = Date.now();
    }
    return false;
  }, 'tail -F to follow the log');

  for (let i = 1; i <= ROUNDS; i++) {
    // logrotate's copytruncate, right after a line was written: copy to a sibling, then truncate in place.
    appendFileSync(log, `LINE${i}\n`);
    copyFileSync(log, `${log}.1`);
    truncateSync(log, 0);
    // The next round overwrites app.log.1, which loses this round's line for any reader that has not got
    // to it yet: give both a bounded time to show it (a miss is counted below, not failed here).
    const line = new RegExp(`^LINE${i}$`, 'm');
    await waitFor(() => line.test(tail.stdout) && reported(run.stdout).includes(`LINE${i}`), `LINE${i}`, 1500).catch(() => {});
  }
  appendFileSync(log, 'LINE-END\n');
  await waitFor(() => reported(run.stdout).includes('LINE-END'), `the last line to be reported: ${run.stderr}`);
  run.child.kill('SIGTERM');
  tail.child.kill('SIGTERM');
  assert.equal(await run.exited, 0);

  const lines = reported(run.stdout);
  const expected = Array.from({ length: ROUNDS }, (_, i) => `LINE${i + 1}`);
  const missed = expected.filter((l) => !lines.includes(l));
  const twice = expected.filter((l) => lines.indexOf(l) !== lines.lastIndexOf(l));
  const byTail = expected.filter((l) => new RegExp(`^${l}$`, 'm').test(tail.stdout)).length;
  assert.ok(
    missed.length === 0 && twice.length === 0,
    `tswatch missed ${missed.length} of ${ROUNDS} (${missed.join(' ')}), reported twice: ${twice.join(' ') || 'none'}; ` +
      `tail -F caught ${byTail} of ${ROUNDS} in the same run`,
  );
});
