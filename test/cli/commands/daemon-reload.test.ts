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

test('SIGHUP with a changed exec arg halfway through 5,000 files (batch): every file reaches exactly one command', { timeout: 90_000 }, async () => {
  const s = setUp();
  // The batch's paths arrive NUL-separated on stdin; each version writes its own file.
  const config = (tag: string): string =>
    `watches:\n  - name: in\n    paths: [in]\n    batch: true\n    debounce: 50\n    exec: [sh, -c, 'tr "\\\\0" "\\\\n" | sed "s|.*/||" >> "$0-$1"', '${join(s.root, 'out')}', ${tag}]\n`;
  writeFileSync(s.config, config('v1'));
  const daemon = spawnTswatch(['daemon', '--config', s.config, '--pidfile', s.pidfile]);
  await daemon.waitStderr('Watches established.');
  const names = await createOver(s.dir, 5000, 5000, () => {
    writeFileSync(s.config, config('v2'));
    daemon.child.kill('SIGHUP');
  });
  await daemon.waitStderr('reloaded: 1 started, 0 unchanged, 0 stopped');
  await waitFor(() => seen(s.root).length >= names.length, `5000 names at the commands, have ${seen(s.root).length}`, 60_000);
  daemon.child.kill('SIGTERM');
  assert.equal(await daemon.exited, 0, daemon.stderr);
  const all = seen(s.root);
  assert.equal(distinct(all), 5000, 'every file reached a command');
  assert.equal(all.length, 5000, 'no file reached both (0 repeats)');
  assert.ok(lines(join(s.root, 'out-v1')).length > 0 && lines(join(s.root, 'out-v2')).length > 0, 'both commands ran');
  assert.deepEqual(new Set(all), new Set(names));
});

test('SIGHUP with a changed exec arg under a per-event burst: every file reaches exactly one command', { timeout: 90_000 }, async () => {
  const s = setUp();
  const config = (tag: string): string => `watches:\n  - name: in\n    paths: [in]\n    exec: [sh, -c, 'echo "$2" >> "$0-$1"', '${join(s.root, 'out')}', ${tag}, '{name}']\n`;
  writeFileSync(s.config, config('v1'));
  const daemon = spawnTswatch(['daemon', '--config', s.config, '--pidfile', s.pidfile]);
  await daemon.waitStderr('Watches established.');
  const names = await createOver(s.dir, 1000, 2000, () => {
    writeFileSync(s.config, config('v2'));
    daemon.child.kill('SIGHUP');
  });
  await daemon.waitStderr('reloaded: 1 started');
  await waitFor(() => seen(s.root).length >= names.length, `1000 names at the commands, have ${seen(s.root).length}`, 60_000);
  daemon.child.kill('SIGTERM');
  assert.equal(await daemon.exited, 0, daemon.stderr);
  const all = seen(s.root);
  assert.equal(distinct(all), 1000);
  assert.equal(all.length, 1000, 'no file ran twice');
  assert.ok(lines(join(s.root, 'out-v2')).length > 0, 'the new command ran');
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
