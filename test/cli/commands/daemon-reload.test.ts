/**
 * `tswatch daemon` reloads under load, as real processes with real signals: a changed watch is replaced
 * make-before-break (each event reaches exactly one of the old and the new command), a replacement that
 * cannot start leaves the running one, and queued work past drainTimeout is kept, never lost uncounted.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnTswatch } from '../../helpers/spawn-cli.js';
import { tmpDir } from '../../helpers/tmp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';

const lines = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

function setUp() {
  const root = tmpDir();
  const dir = join(root, 'in');
  mkdirSync(dir);
  const config = join(root, 'tswatch.yaml');
  const pidfile = join(root, 'tswatch.pid');
  const ctl = (...args: string[]) => spawnTswatch(['ctl', '--pidfile', pidfile, ...args]);
  return { root, dir, config, pidfile, ctl };
}

/** What every command run wrote: one line per file name, from every out-* file (one per command version). */
function seen(root: string): string[] {
  return readdirSync(root)
    .filter((name) => name.startsWith('out-'))
    .flatMap((name) => lines(join(root, name)));
}

/** Create `count` files in `dir` over about `ms`, calling `halfway` once half of them exist. */
async function createOver(dir: string, count: number, ms: number, halfway: () => void): Promise<string[]> {
  const names: string[] = [];
  const slices = Math.ceil(ms / 10);
  const perSlice = Math.ceil(count / slices);
  const started = Date.now();
  for (let slice = 0; names.length < count; slice++) {
    for (let i = 0; i < perSlice && names.length < count; i++) {
      const name = `f${String(names.length).padStart(5, '0')}`;
      writeFileSync(join(dir, name), '');
      names.push(name);
      if (names.length === Math.floor(count / 2)) halfway();
    }
    const due = started + (slice + 1) * 10 - Date.now();
    if (due > 0) await new Promise((resolve) => setTimeout(resolve, due));
  }
  return names;
}

const distinct = (names: string[]): number => new Set(names).size;

/**
 * Run the config made by `config(tag)` as v1, create `count` files over `ms`, switch to v2 and SIGHUP
 * halfway: every file must reach exactly one of the two commands (each writes out-TAG).
 */
async function reloadUnderLoad(config: (root: string, tag: string) => string, count: number, ms: number): Promise<void> {
  const s = setUp();
  writeFileSync(s.config, config(s.root, 'v1'));
  const daemon = spawnTswatch(['daemon', '--config', s.config, '--pidfile', s.pidfile]);
  await daemon.waitStderr('Watches established.');
  const names = await createOver(s.dir, count, ms, () => {
    writeFileSync(s.config, config(s.root, 'v2'));
    daemon.child.kill('SIGHUP');
  });
  await daemon.waitStderr('reloaded: 1 started, 0 unchanged, 0 stopped');
  await waitFor(() => seen(s.root).length >= count, `${count} names at the commands, have ${seen(s.root).length}`, 150_000); // a bound for a loaded machine: 5,000 spawns
  daemon.child.kill('SIGTERM');
  assert.equal(await daemon.exited, 0, daemon.stderr);
  const all = seen(s.root);
  assert.equal(distinct(all), count, 'every file reached a command');
  assert.equal(all.length, count, 'no file reached both (0 repeats)');
  assert.deepEqual(new Set(all), new Set(names));
  assert.ok(lines(join(s.root, 'out-v1')).length > 0 && lines(join(s.root, 'out-v2')).length > 0, 'both commands ran');
}

test('SIGHUP with a changed exec arg halfway through 5,000 files (batch): every file reaches exactly one command', {
  timeout: 200_000,
}, async () => {
  // The batch's paths arrive NUL-separated on stdin.
  await reloadUnderLoad(
    (root, tag) =>
      `watches:\n  - name: in\n    paths: [in]\n    batch: true\n    debounce: 50\n    exec: [sh, -c, 'tr "\\\\0" "\\\\n" | sed "s|.*/||" >> "$0-$1"', '${join(root, 'out')}', ${tag}]\n`,
    5000,
    5000,
  );
});

test('SIGHUP with a changed exec arg with 5,000 files over 5 s, per event: every file reaches exactly one command', {
  timeout: 200_000,
}, async () => {
  await reloadUnderLoad(
    (root, tag) =>
      `watches:\n  - name: in\n    paths: [in]\n    exec: [sh, -c, 'echo "$2" >> "$0-$1"', '${join(root, 'out')}', ${tag}, '{name}']\n`,
    5000,
    5000,
  );
});

test('SIGHUP changing a restart watch while files keep changing: no change after the cut is missed', { timeout: 60_000 }, async () => {
  const s = setUp();
  // The server records each start; a change after the new one started must restart it.
  const log = join(s.root, 'starts');
  const config = (tag: string): string =>
    `watches:\n  - name: srv\n    paths: [in]\n    debounce: 20\n    restart: [sh, -c, 'echo "$1" >> "$0"; trap "exit 0" TERM; while :; do sleep 0.05; done', '${log}', ${tag}]\n`;
  writeFileSync(s.config, config('v1'));
  const daemon = spawnTswatch(['daemon', '--config', s.config, '--pidfile', s.pidfile]);
  await waitFor(() => lines(log).length === 1, 'the first server');
  writeFileSync(s.config, config('v2'));
  daemon.child.kill('SIGHUP');
  await daemon.waitStderr('reloaded: 1 started');
  await waitFor(() => lines(log).includes('v2'), 'the new server');
  const before = lines(log).length;
  writeFileSync(join(s.dir, 'change'), '');
  await waitFor(() => lines(log).length === before + 1, 'a restart of the new server for the change');
  assert.deepEqual(lines(log).slice(-2), ['v2', 'v2']);
  daemon.child.kill('SIGTERM');
  assert.equal(await daemon.exited, 0, daemon.stderr);
});

test('a reload whose new watch cannot start keeps the running one; ctl reload exits 1 naming it; status lists it failed', {
  timeout: 60_000,
}, async () => {
  const s = setUp();
  const out = join(s.root, 'out-a');
  const missing = join(s.root, 'nonexistent');
  const config = (path: string): string =>
    `watches:\n  - name: in\n    paths: [${path}]\n    exec: [sh, -c, 'echo "$1" >> "$0"', '${out}', '{name}']\n`;
  writeFileSync(s.config, config('in'));
  const daemon = spawnTswatch(['daemon', '--config', s.config, '--pidfile', s.pidfile]);
  await daemon.waitStderr('Watches established.');
  writeFileSync(s.config, config(missing));
  const reload = s.ctl('reload');
  assert.equal(await reload.exited, 1);
  assert.match(reload.stderr, /reloaded: 0 started, 0 unchanged, 0 stopped, 1 failed/);
  assert.match(reload.stderr, new RegExp(`watch 'in' not replaced \\(its previous definition keeps running\\): watch 'in': .*${missing}`));
  writeFileSync(join(s.dir, 'still'), '');
  await waitFor(() => lines(out).includes('still'), 'the old watch still at work');
  const status = s.ctl('status', '--json');
  assert.equal(await status.exited, 0);
  const [unit] = JSON.parse(status.stdout) as Array<{ name: string; state?: string; error?: string; events: number }>;
  assert.equal(unit!.state, 'failed');
  assert.match(unit!.error!, new RegExp(`reload failed, the previous definition runs on: .*${missing}`));
  assert.equal(unit!.events, 1, 'the running unit is the old one');
  const table = s.ctl('status');
  assert.equal(await table.exited, 0);
  assert.match(table.lines()[1]!, /^in\s+failed\s+1\s+1\s/);
  assert.match(table.stdout, /watch 'in' failed: reload failed/);
  // Put back as it runs: the failure is gone.
  writeFileSync(s.config, config('in'));
  const fixed = s.ctl('reload');
  assert.equal(await fixed.exited, 0, fixed.stderr);
  const again = s.ctl('status', '--json');
  assert.equal(await again.exited, 0);
  assert.equal((JSON.parse(again.stdout) as Array<{ state?: string }>)[0]!.state, undefined);
  daemon.child.kill('SIGTERM');
  assert.equal(await daemon.exited, 0, daemon.stderr);
});

test('a watch that cannot start is listed as failed with its error; the others run', { timeout: 30_000 }, async () => {
  const s = setUp();
  const missing = join(s.root, 'nonexistent');
  writeFileSync(
    s.config,
    `watches:\n  - name: good\n    paths: [in]\n    exec: ['true']\n  - name: bad\n    paths: [${missing}]\n    exec: ['true']\n`,
  );
  const daemon = spawnTswatch(['daemon', '--config', s.config, '--pidfile', s.pidfile]);
  await daemon.waitStderr('Watches established.');
  assert.match(daemon.stderr, /watch 'bad' not started: /);
  const status = s.ctl('status', '--json');
  assert.equal(await status.exited, 0);
  const units = JSON.parse(status.stdout) as Array<{ name: string; state?: string; error?: string; paths: string[] }>;
  assert.deepEqual(
    units.map((u) => [u.name, u.state]),
    [
      ['good', undefined],
      ['bad', 'failed'],
    ],
  );
  assert.match(units[1]!.error!, new RegExp(missing));
  assert.deepEqual(units[1]!.paths, [missing]);
  daemon.child.kill('SIGTERM');
  assert.equal(await daemon.exited, 0, daemon.stderr);
});

/** A per-event command slower than the events: it records its file, then takes 50 ms. */
const slow = (out: string, tag = 'v1'): string => `exec: [sh, -c, 'echo "$2" >> "$0-$1"; sleep 0.05', '${out}', ${tag}, '{name}']`;

async function burst(dir: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) writeFileSync(join(dir, `q${String(i).padStart(4, '0')}`), '');
}

/** A daemon with a slow per-event exec, given 200 files and stopped (SIGTERM) past its 0.5 s drain: how many it kept. */
async function stoppedWithQueue(): Promise<{ s: ReturnType<typeof setUp>; kept: number }> {
  const s = setUp();
  const out = join(s.root, 'out');
  writeFileSync(s.config, `drainTimeout: 0.5\nwatches:\n  - name: q\n    paths: [in]\n    ${slow(out)}\n`);
  const first = spawnTswatch(['daemon', '--config', s.config, '--pidfile', s.pidfile]);
  await first.waitStderr('Watches established.');
  await burst(s.dir, 200);
  await waitFor(() => seen(s.root).length > 0, 'the first runs');
  first.child.kill('SIGTERM');
  assert.equal(await first.exited, 0, first.stderr);
  const kept = Number(/\[q\] drain timeout: (\d+) queued events kept for the next start/.exec(first.stderr)?.[1] ?? 0);
  assert.ok(kept > 0, first.stderr);
  return { s, kept };
}

test('SIGTERM past drainTimeout with a slow per-event exec: the queued events are kept and run by the next start, once each', {
  timeout: 200_000, // above its waitFor bound (150 s), so a slow run fails with its own message
}, async () => {
  const { s, kept } = await stoppedWithQueue();
  const ranBefore = seen(s.root).length;
  assert.ok(ranBefore + kept >= 200, `${ranBefore} run + ${kept} kept: none unaccounted`);
  const second = spawnTswatch(['daemon', '--config', s.config, '--pidfile', s.pidfile]);
  await second.waitStderr(`[q] running ${kept} queued events kept from the last stop`);
  await waitFor(() => seen(s.root).length >= 200, `200 runs, have ${seen(s.root).length}`, 150_000); // a bound for a loaded machine: 5,000 spawns
  second.child.kill('SIGTERM');
  assert.equal(await second.exited, 0, second.stderr);
  const all = seen(s.root);
  assert.equal(distinct(all), 200);
  assert.equal(all.length, 200, 'none ran twice');
});

test('a start killed (kill -9) while it runs the kept events leaves them in the journal: the next start runs them, none lost', {
  timeout: 120_000,
}, async () => {
  const { s, kept } = await stoppedWithQueue();
  assert.ok(kept > 20, `kept ${kept}: too few to kill the next start midway`);
  const second = spawnTswatch(['daemon', '--config', s.config, '--pidfile', s.pidfile]);
  await second.waitStderr(`[q] running ${kept} queued events kept from the last stop`);
  const before = seen(s.root).length;
  await waitFor(() => seen(s.root).length >= before + 5, 'some of the kept events run');
  second.child.kill('SIGKILL');
  await second.exited;
  const third = spawnTswatch(['daemon', '--config', s.config, '--pidfile', s.pidfile]);
  await third.waitStderr('Watches established.');
  assert.match(
    third.stderr,
    /\[q\] running \d+ queued events kept from the last stop/,
    'the killed start had not finished them: still journaled',
  );
  await waitFor(() => distinct(seen(s.root)) >= 200, `200 distinct runs, have ${distinct(seen(s.root))}`, 60_000);
  third.child.kill('SIGTERM');
  assert.equal(await third.exited, 0, third.stderr);
  assert.equal(distinct(seen(s.root)), 200, 'none lost (one killed mid-run may run twice: at least once)');
  assert.ok(!existsSync(join(s.root, 'tswatch.queued', 'q')), 'run, so off the disk');
});

test('a reload past drainTimeout hands the queued events to the new definition; the drainTimeout changed in the file applies', {
  timeout: 200_000, // above its waitFor bound (150 s), so a slow run fails with its own message
}, async () => {
  const s = setUp();
  const out = join(s.root, 'out');
  const config = (timeout: number, tag: string): string =>
    `drainTimeout: ${timeout}\nwatches:\n  - name: q\n    paths: [in]\n    ${slow(out, tag)}\n`;
  writeFileSync(s.config, config(60, 'v1'));
  const daemon = spawnTswatch(['daemon', '--config', s.config, '--pidfile', s.pidfile]);
  await daemon.waitStderr('Watches established.');
  await burst(s.dir, 200);
  await waitFor(() => seen(s.root).length > 0, 'the first runs');
  // With the old 60 s the old unit would run all of them itself; 0.3 s must cut its drain short.
  writeFileSync(s.config, config(0.3, 'v2'));
  daemon.child.kill('SIGHUP');
  await daemon.waitStderr('reloaded: 1 started');
  assert.match(daemon.stderr, /\[q\] drain timeout: \d+ queued events handed to the new definition/);
  await waitFor(() => seen(s.root).length >= 200, `200 runs, have ${seen(s.root).length}`, 150_000); // a bound for a loaded machine: 5,000 spawns
  daemon.child.kill('SIGTERM');
  assert.equal(await daemon.exited, 0, daemon.stderr);
  const all = seen(s.root);
  assert.equal(distinct(all), 200);
  assert.equal(all.length, 200, 'none ran twice');
  assert.ok(lines(`${out}-v2`).length > 0, 'the new command ran the rest');
});

test('onDrainTimeout: drop drops the queued events at SIGTERM, and says how many', { timeout: 60_000 }, async () => {
  const s = setUp();
  const out = join(s.root, 'out');
  writeFileSync(s.config, `drainTimeout: 0.3\nonDrainTimeout: drop\nwatches:\n  - name: q\n    paths: [in]\n    ${slow(out)}\n`);
  const daemon = spawnTswatch(['daemon', '--config', s.config, '--pidfile', s.pidfile]);
  await daemon.waitStderr('Watches established.');
  await burst(s.dir, 100);
  await waitFor(() => seen(s.root).length > 0, 'the first runs');
  daemon.child.kill('SIGTERM');
  assert.equal(await daemon.exited, 0, daemon.stderr);
  const dropped = Number(/\[q\] drain timeout: (\d+) queued events dropped \(onDrainTimeout: drop\)/.exec(daemon.stderr)?.[1] ?? 0);
  assert.ok(dropped > 0, daemon.stderr);
  assert.ok(seen(s.root).length + dropped >= 100, 'every event run or counted');
  assert.ok(!existsSync(join(s.root, 'tswatch.queued', 'q')), 'nothing kept');
});
