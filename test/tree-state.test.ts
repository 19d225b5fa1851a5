/** Catch-up: what changed while nothing watched is reported first, once, then live events. */
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  ALL_EVENTS,
  type Event,
  IN_ACCESS,
  IN_CLOSE_NOWRITE,
  IN_CREATE,
  IN_DELETE,
  IN_OPEN,
  Notifier,
  TswatchError,
  WatchManager,
} from '../src/index.js';
import { spawnCommand, spawnTswatch, TSWATCH_BIN } from './helpers/spawn-cli.js';
import { tmpDir } from './helpers/tmp-dir.js';
import { waitFor } from './helpers/wait-for.js';

function run(root: string, stateFile: string) {
  const wm = new WatchManager();
  wm.addWatch(root, ALL_EVENTS, { rec: true, autoAdd: true, quiet: false });
  const events: Event[] = [];
  const notifier = new Notifier(wm, (e) => void events.push(e), { stateFile });
  notifier.start();
  return {
    events,
    notifier,
    lines: () =>
      events.map(
        (e) => `${e.maskname} ${e.pathname.slice(root.length)}${e.src_pathname ? ` <- ${e.src_pathname.slice(root.length)}` : ''}`,
      ),
  };
}

function populate(root: string): void {
  mkdirSync(join(root, 'olddir/inner'), { recursive: true });
  for (const f of ['mod', 'del', 'a', 'olddir/inner/x']) writeFileSync(join(root, f), 'x');
}

/** Every kind of change, made while nothing watches. */
function change(root: string): void {
  writeFileSync(join(root, 'new'), '');
  appendFileSync(join(root, 'mod'), 'more');
  rmSync(join(root, 'del'));
  renameSync(join(root, 'a'), join(root, 'b'));
  mkdirSync(join(root, 'newdir'));
  writeFileSync(join(root, 'newdir', 'f'), '');
  renameSync(join(root, 'olddir'), join(root, 'moveddir'));
}

const EXPECTED = [
  'IN_DELETE /del',
  'IN_MOVED_FROM|IN_ISDIR /olddir',
  'IN_MOVED_TO|IN_ISDIR /moveddir <- /olddir',
  'IN_MOVED_FROM /a',
  'IN_MOVED_TO /b <- /a',
  'IN_CREATE|IN_ISDIR /newdir',
  'IN_CREATE /new',
  'IN_CREATE /newdir/f',
  'IN_MODIFY /mod',
];

test('stop, change files, start: each change reported once, synthetic, before live events', async () => {
  const root = tmpDir();
  const state = join(tmpDir(), 'state.gz');
  populate(root);
  const first = run(root, state);
  assert.deepEqual(first.events, [], 'a first run has nothing to catch up on');
  first.notifier.stop();
  change(root);
  const second = run(root, state);
  assert.deepEqual(second.lines(), EXPECTED);
  assert.ok(second.events.every((e) => e.synthetic));
  const moved = second.events.filter((e) => e.src_pathname !== undefined);
  assert.ok(
    moved.every((e) => second.events.some((f) => f !== e && f.cookie === e.cookie)),
    'moves keep their pairs',
  );
  writeFileSync(join(root, 'live'), '');
  await waitFor(() => second.events.some((e) => e.mask & IN_CREATE && e.name === 'live' && !e.synthetic), 'the live event after');
  assert.deepEqual(
    second.events.filter((e) => e.dir && e.mask & (IN_OPEN | IN_ACCESS | IN_CLOSE_NOWRITE)).map(String),
    [],
    "the snapshot's own directory reads are not reported",
  );
  second.notifier.stop();
  const third = run(root, state);
  assert.deepEqual(third.lines(), [], 'saved on stop: nothing is reported twice');
  third.notifier.stop();
});

test('killed with SIGKILL, changes made meanwhile are reported on the next start (CLI --state)', async () => {
  const root = tmpDir();
  const state = join(tmpDir(), 'state.gz');
  populate(root);
  const first = spawnTswatch(['-m', '-r', '--state', state, root]);
  await first.waitStderr('Watches established.');
  await waitFor(() => existsSync(state), 'the state saved at start');
  first.child.kill('SIGKILL');
  await first.exited;
  change(root);
  const second = spawnTswatch(['-m', '-r', '--state', state, root]);
  await second.waitLines(EXPECTED.length);
  const dir = `${root}/`;
  assert.deepEqual(second.lines().slice(0, 4), [
    `${dir} DELETE del`,
    `${dir} MOVED_FROM,ISDIR olddir`,
    `${dir} MOVED_TO,ISDIR moveddir`,
    `${dir} MOVED_FROM a`,
  ]);
  assert.equal(second.lines().length, EXPECTED.length, 'each change once');
  second.child.kill('SIGTERM');
  await second.exited;
});

test('CLI --state: SIGTERM saves the state, so the next start repeats nothing', async () => {
  const root = tmpDir();
  const state = join(tmpDir(), 'state.gz');
  const first = spawnTswatch(['-m', '--state', state, root]);
  await first.waitStderr('Watches established.');
  writeFileSync(join(root, 'seen-live'), '');
  await first.waitLines(1);
  first.child.kill('SIGTERM');
  assert.equal(await first.exited, 0);
  const second = spawnTswatch(['-m', '--state', state, '-e', 'create', root]);
  await second.waitStderr('Watches established.');
  writeFileSync(join(root, 'marker'), '');
  await second.waitLines(1);
  assert.deepEqual(second.lines(), [`${root}/ CREATE marker`]);
  second.child.kill('SIGTERM');
  await second.exited; // it saves the state on the way out: before the temp directories go
});

test('CLI --state with a relative path: what changed meanwhile is reported under the path as given, and its own reads never show', async () => {
  const cwd = tmpDir();
  mkdirSync(join(cwd, 'site/a'), { recursive: true });
  writeFileSync(join(cwd, 'site/a/f'), '');
  const run = () => spawnCommand(process.execPath, [TSWATCH_BIN, '-m', '-r', '--state', 's.gz', 'site'], {}, cwd);
  const first = run();
  await first.waitStderr('Watches established.');
  first.child.kill('SIGTERM');
  assert.equal(await first.exited, 0, first.stderr);
  writeFileSync(join(cwd, 'site/new'), '');
  rmSync(join(cwd, 'site/a/f'));
  const second = run();
  await second.waitStderr('Watches established.');
  writeFileSync(join(cwd, 'site/marker'), '');
  await second.waitStdout('marker');
  const before = second.lines().slice(
    0,
    second.lines().findIndex((l) => l.includes('marker')),
  );
  assert.deepEqual(before, ['site/a/ DELETE f', 'site/ CREATE new']);
  second.child.kill('SIGTERM');
  await second.exited;
});

test('a state file that is not one is a clear error, naming it', () => {
  const root = tmpDir();
  const state = join(tmpDir(), 'state.gz');
  writeFileSync(state, 'not gzip');
  const wm = new WatchManager();
  wm.addWatch(root, ALL_EVENTS, { quiet: false });
  const notifier = new Notifier(wm, () => {}, { stateFile: state });
  assert.throws(
    () => notifier.start(),
    (err: unknown) =>
      err instanceof TswatchError && err.code === 'EBADSTATE' && err.message.includes(state) && /delete it/.test(err.hint ?? ''),
  );
  wm.close();
});

test('a change between arming the watch and starting is reported once: by the kernel, not again by the catch-up', async () => {
  const root = tmpDir();
  const state = join(tmpDir(), 'state.gz');
  writeFileSync(join(root, 'doomed'), '');
  const run = async (between: () => void, until: (events: Event[]) => boolean) => {
    const wm = new WatchManager();
    wm.addWatch(root, IN_CREATE | IN_DELETE, { quiet: false });
    between();
    const events: Event[] = [];
    const notifier = new Notifier(wm, (e) => void events.push(e), { stateFile: state });
    notifier.start();
    writeFileSync(join(root, `end-${events.length}-${Date.now()}`), '');
    await waitFor(() => until(events), 'the end marker');
    notifier.stop();
    return events.filter((e) => !e.name.startsWith('end-')).map((e) => `${e.maskname} ${e.name}`);
  };
  await run(
    () => {},
    (events) => events.some((e) => e.name.startsWith('end-')),
  ); // saves the first state
  const seen = await run(
    () => {
      writeFileSync(join(root, 'new'), '');
      rmSync(join(root, 'doomed'));
    },
    (events) => events.filter((e) => e.name.startsWith('end-')).length > 0,
  );
  assert.deepEqual(seen, ['IN_CREATE new', 'IN_DELETE doomed']);
});
