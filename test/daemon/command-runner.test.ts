/** Busy policies, with real processes: each run logs, then holds until the test opens its gate. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { type BusyPolicy, CommandRunner, parseBusyPolicy } from '../../daemon/command-runner.js';
import { tmpDir } from '../helpers/tmp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const SCRIPT =
  'trap \'echo "signal-$1" >> "$0"\' USR1; echo "start-$1" >> "$0"; while [ ! -e "$0.gate" ]; do sleep 0.01; done; echo "end-$1" >> "$0"';

function scenario(policy: BusyPolicy, signal: NodeJS.Signals = 'SIGUSR1') {
  const log = join(tmpDir(), 'log');
  const runner = new CommandRunner({ onBusy: policy, signal, killAfterMs: 5000 });
  const exits: Array<number | null> = [];
  runner.on('exit', (_inv, status) => exits.push(status.code ?? status.signal));
  const submit = (name: string): void => runner.submit({ argv: ['sh', '-c', SCRIPT, log, name] });
  const lines = (): string[] => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);
  return {
    runner,
    submit,
    lines,
    exits,
    open: () => writeFileSync(`${log}.gate`, ''),
    until: (line: string) => waitFor(() => lines().includes(line), `'${line}' in ${lines().join(' ')}`),
  };
}

test('queue: every trigger runs, in order, one at a time', async () => {
  const s = scenario('queue');
  s.submit('a');
  await s.until('start-a');
  s.submit('b');
  s.submit('c');
  assert.equal(s.runner.pending, 2);
  s.open();
  assert.equal(await s.runner.drain(10_000), true);
  assert.deepEqual(s.lines(), ['start-a', 'end-a', 'start-b', 'end-b', 'start-c', 'end-c']);
});

test('drop: triggers while busy are dropped (and said so)', async () => {
  const s = scenario('drop');
  const dropped: string[] = [];
  s.runner.on('dropped', (inv) => dropped.push(inv.argv.at(-1)));
  s.submit('a');
  await s.until('start-a');
  s.submit('b');
  s.submit('c');
  s.open();
  await s.runner.drain(10_000);
  s.submit('d');
  await s.runner.drain(10_000);
  assert.deepEqual(s.lines(), ['start-a', 'end-a', 'start-d', 'end-d']);
  assert.deepEqual(dropped, ['b', 'c']);
});

test('restart: the running command is stopped (waited for) and the newest trigger runs', async () => {
  const s = scenario('restart', 'SIGTERM');
  s.submit('a');
  await s.until('start-a');
  s.submit('b');
  s.submit('c');
  s.open();
  await s.runner.drain(10_000);
  assert.deepEqual(s.lines(), ['start-a', 'start-c', 'end-c'], 'a stopped before its end, b replaced by c before it started');
  assert.equal(s.exits[0], 'SIGTERM');
});

test('signal: the running command gets the signal, no second run starts', async () => {
  const s = scenario('signal');
  s.submit('a');
  await s.until('start-a');
  s.submit('b');
  await s.until('signal-a');
  s.open();
  await s.runner.drain(10_000);
  assert.deepEqual(s.lines(), ['start-a', 'signal-a', 'end-a']);
  assert.equal(s.runner.runs, 1);
});

test('stop: a command ignoring the signal is SIGKILLed after kill-after; its group too', async () => {
  const dir = tmpDir();
  const runner = new CommandRunner({ signal: 'SIGTERM', killAfterMs: 100 });
  const statuses: unknown[] = [];
  runner.on('exit', (_inv, status) => statuses.push(status));
  // The shell ignores TERM and so does its background child: only SIGKILL to the group ends both.
  runner.submit({
    argv: ['sh', '-c', 'trap "" TERM; (trap "" TERM; while :; do sleep 0.01; done) & echo $! > "$0"; wait', join(dir, 'pid')],
  });
  await waitFor(() => existsSync(join(dir, 'pid')) && readFileSync(join(dir, 'pid'), 'utf8').trim() !== '', 'the background child');
  const child = Number(readFileSync(join(dir, 'pid'), 'utf8'));
  await runner.stop();
  assert.deepEqual(statuses, [{ code: null, signal: 'SIGKILL' }]);
  await waitFor(() => {
    try {
      process.kill(child, 0);
      return false;
    } catch {
      return true;
    }
  }, 'the grandchild to be gone');
});

test('parseBusyPolicy names the valid policies', () => {
  assert.throws(() => parseBusyPolicy('later'), /unknown policy 'later'/);
  assert.throws(
    () => parseBusyPolicy('later'),
    (err: Error & { hint?: string }) => /queue, drop, restart, signal/.test(err.hint ?? ''),
  );
});
