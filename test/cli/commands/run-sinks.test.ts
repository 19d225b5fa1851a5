/** `sinks:` in the config file: `tswatch run --config` publishes its watches' events, across reloads and restarts. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { FleetRecord, SinkStatus } from '../../../recipes/fleet/index.js';
import { Broker } from '../../helpers/brokers.js';
import { follow, outboxLines, seqOf } from '../../helpers/fleet.js';
import { spawnTswatch } from '../../helpers/spawn-cli.js';
import { tmpDir } from '../../helpers/tmp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';
import { apiStatus, request, waitForAsync } from '../../helpers/web-daemon.js';

const lines = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);
const records = (file: string): FleetRecord[] => lines(file).map((line) => JSON.parse(line) as FleetRecord);
const names = (list: FleetRecord[]): string[] => list.map((r) => r.name);
const touch = (dir: string, ...files: string[]): void => {
  for (const f of files) writeFileSync(join(dir, f), '');
};

/** A command (argv, as YAML flow list) appending its file name as a line to `out`. */
const append = (out: string): string => `[sh, -c, 'printf "%s\\n" "$1" >> "$0"', '${out}', '{name}']`;

/** A temp dir with watched subdirectories, a config file written from `yaml(root)`, and a control socket. */
function setUp(dirs: string[]) {
  const root = tmpDir();
  for (const d of dirs) mkdirSync(join(root, d));
  const config = join(root, 'tswatch.yaml');
  const socket = join(root, 's.sock');
  const ctl = async (...args: string[]): Promise<string> => {
    const run = spawnTswatch(['ctl', '--socket', socket, ...args]);
    assert.equal(await run.exited, 0, run.stderr);
    return run.stdout;
  };
  return { root, config, socket, ctl, dir: (d: string) => join(root, d) };
}

test("two sinks (NATS + JSONL file): every published watch reaches both, with the config's host; publish: false and a paused watch send nothing", async () => {
  const nats = await Broker.nats();
  const natsUrl = `nats://${nats.url}/fleet.cfg`;
  const s = setUp(['agent', 'quiet', 'build']);
  const jsonl = join(s.root, 'events.jsonl');
  writeFileSync(
    s.config,
    `sinks:
  - ${natsUrl}
  - url: file://${jsonl}
    rotateBytes: 10M
host: cfg-host
outbox: { dir: box, maxBytes: 1M }
watches:
  - name: agent
    paths: agent
  - name: quiet
    paths: [quiet]
    publish: false
    exec: ${append(join(s.root, 'ran-quiet'))}
  - name: build
    paths: [build]
    exec: ${append(join(s.root, 'ran-build'))}
`,
  );
  const seen = await follow(natsUrl);
  const run = spawnTswatch(['run', '--config', s.config, '--socket', s.socket, '--http', '127.0.0.1:0']);
  await run.waitStderr('Watches established.');
  touch(s.dir('agent'), 'f1', 'f2', 'f3');
  touch(s.dir('quiet'), 'q1');
  touch(s.dir('build'), 'b1');
  await waitFor(() => lines(join(s.root, 'ran-quiet')).length === 1 && lines(join(s.root, 'ran-build')).length === 1, 'both commands ran');
  await waitFor(() => records(jsonl).length >= 4 && seen.records.length >= 4, '4 records in each sink');
  const [fromFile, fromNats] = [records(jsonl), seen.records];
  assert.deepEqual(
    names(fromFile).sort(),
    ['b1', 'f1', 'f2', 'f3'],
    'the publish-only watch and the exec watch; not the publish: false one',
  );
  assert.deepEqual(fromNats, fromFile, 'the same records, ids included, in both sinks');
  assert.ok(fromFile.every((r) => r.host === 'cfg-host' && r.id.startsWith('cfg-host:') && r.maskname === 'IN_CLOSE_WRITE'));
  assert.equal(new Set(fromFile.map((r) => r.id)).size, 4);

  // Status: ctl sinks (JSON and table), the end of ctl status, and the web API.
  const sinks = await waitForAsync(async () => {
    const list = JSON.parse(await s.ctl('sinks', '--json')) as SinkStatus[];
    return list.every((x) => x.delivered === 4) && list;
  }, 'both sinks to report 4 delivered');
  assert.deepEqual(sinks, [
    { sink: natsUrl, pending: 0, delivered: 4, dropped: 0 },
    { sink: `file://${jsonl}`, pending: 0, delivered: 4, dropped: 0 },
  ]);
  assert.match(await s.ctl('status'), /\n\nSINK +PENDING +DELIVERED +DROPPED\nnats:\/\/\S+ +0 +4 +0\n/);
  const web = /web page and API: (http:\S+)/.exec(run.stderr)![1]!;
  assert.deepEqual((await apiStatus(web)).sinks, sinks);
  assert.match(
    (await request(web)).body,
    new RegExp(`<tbody id="sinks"><tr><td class="path">${natsUrl}</td><td>0</td><td>4</td><td>0</td></tr>`),
  );

  // Paused: not published (the command would not run either); resumed: published again.
  await s.ctl('pause', 'agent');
  touch(s.dir('agent'), 'while-paused');
  await waitForAsync(
    async () => (JSON.parse(await s.ctl('status', '--json')) as Array<{ name: string; ignored: number }>)[0]!.ignored === 1,
    'the paused watch to see the event',
  );
  await s.ctl('resume', 'agent');
  touch(s.dir('agent'), 'after');
  await waitFor(() => records(jsonl).length >= 5 && seen.records.length >= 5, 'the event after resume');
  assert.deepEqual(names(records(jsonl)).slice(4), ['after']);
  seen.stop();
  run.child.kill('SIGTERM');
  assert.equal(await run.exited, 0, run.stderr);
});

test('SIGHUP that changes another watch keeps the publisher: events written throughout arrive once each; changing sinks: reopens', async () => {
  const s = setUp(['a', 'b']);
  const [first, second] = [join(s.root, 'first.jsonl'), join(s.root, 'second.jsonl')];
  const config = (sinks: string, tag: string): string =>
    `sinks: [${sinks}]\noutbox: { dir: box }\nwatches:\n  - name: a\n    paths: [a]\n  - name: b\n    paths: [b]\n    exec: [echo, ${tag}]\n`;
  writeFileSync(s.config, config(`file://${first}`, 'old'));
  const run = spawnTswatch(['run', '--config', s.config]);
  await run.waitStderr('Watches established.');
  const expected: string[] = [];
  const burst = (tag: string): void => {
    for (let i = 0; i < 50; i++) expected.push(`${tag}${i}`);
    touch(s.dir('a'), ...expected.slice(-50));
  };
  burst('before');
  writeFileSync(s.config, config(`file://${first}`, 'new'));
  run.child.kill('SIGHUP');
  burst('during');
  await run.waitStderr('reloaded: 1 started, 1 unchanged, 0 stopped');
  burst('after');
  await waitFor(() => records(first).length >= 150, '150 records');
  assert.deepEqual(names(records(first)), expected, 'every event of the unchanged watch, once, in order');
  const instance = (r: FleetRecord): string => r.id.split(':').slice(0, -1).join(':');
  assert.equal(new Set(records(first).map(instance)).size, 1, 'one publisher throughout: it was kept');
  assert.deepEqual(
    records(first).map(seqOf),
    Array.from({ length: 150 }, (_, i) => i + 1),
  );

  // A second sink: the publisher is replaced while events keep coming; none is lost or sent twice.
  writeFileSync(s.config, config(`file://${first}, file://${second}`, 'new'));
  run.child.kill('SIGHUP');
  burst('swap');
  await run.waitStderr('reloaded: 0 started, 2 unchanged, 0 stopped');
  burst('two-sinks');
  await waitFor(() => records(first).length >= 250 && records(second).at(-1)?.name === 'two-sinks49', 'the events in both sinks');
  assert.deepEqual(names(records(first)), expected, 'the first sink has every event once, in order');
  assert.equal(new Set(records(first).map((r) => r.id)).size, 250, 'no id twice');
  const tail = records(first).slice(-records(second).length);
  assert.deepEqual(records(second), tail, 'the second sink has what came after its publisher opened');
  assert.ok(records(second).length >= 50 && instance(records(second)[0]!) !== instance(records(first)[0]!), 'a new publisher');
  run.child.kill('SIGTERM');
  assert.equal(await run.exited, 0, run.stderr);
});

test('ignoreOwn: the files the command writes do not run it again, but they are published (they are real changes)', async () => {
  const s = setUp(['w']);
  const jsonl = join(s.root, 'events.jsonl');
  writeFileSync(
    s.config,
    `sinks: [file://${jsonl}]\noutbox: { dir: box }\nwatches:\n  - paths: [w]\n    events: create\n    exec: [sh, -c, 'echo "$1" >> "$0"/ran && touch "$0"/own-"$1"', '${s.dir('w')}', '{name}']\n    ignoreOwn: true\n`,
  );
  const run = spawnTswatch(['run', '--config', s.config]);
  await run.waitStderr('Watches established.');
  touch(s.dir('w'), 'x');
  await waitFor(() => records(jsonl).length >= 3, 'x, ran and own-x published');
  assert.deepEqual(names(records(jsonl)).sort(), ['own-x', 'ran', 'x']);
  run.child.kill('SIGTERM');
  assert.equal(await run.exited, 0, run.stderr);
  assert.deepEqual(lines(join(s.dir('w'), 'ran')), ['x'], 'the command ran once: its own files were ignored');
});

test('SIGTERM with the broker down: the events stay in the outbox, and the next run delivers them, each once', async () => {
  const nats = await Broker.nats();
  const url = `nats://${nats.url}/fleet.down`;
  const s = setUp(['w']);
  writeFileSync(s.config, `sinks: [${url}]\nhost: h1\noutbox: { dir: box }\nwatches:\n  - paths: [w]\n    events: create\n`);
  const seen = await follow(url); // creates the stream
  const first = spawnTswatch(['run', '--config', s.config]);
  await first.waitStderr('Watches established.');
  touch(s.dir('w'), ...Array.from({ length: 20 }, (_, i) => `f${i + 1}`));
  await waitFor(() => seen.records.length >= 20, '20 delivered');
  seen.stop();
  await nats.stop();
  touch(s.dir('w'), ...Array.from({ length: 30 }, (_, i) => `f${i + 21}`));
  await waitFor(() => outboxLines(join(s.root, 'box')) >= 50, 'the 30 written while the broker is down, in the outbox');
  first.child.kill('SIGTERM');
  assert.equal(await first.exited, 0, first.stderr);
  assert.match(first.stderr, /sink nats:\/\/\S+: 30 events stay in the outbox for the next start/);
  await nats.start();
  const second = spawnTswatch(['run', '--config', s.config]);
  await second.waitStderr('30 events from before are waiting in the outbox');
  const all = await follow(url, new Date(0));
  await waitFor(() => all.records.length >= 50, '50 records', 20_000);
  all.stop();
  assert.deepEqual(
    names(all.records),
    Array.from({ length: 50 }, (_, i) => `f${i + 1}`),
  );
  assert.equal(new Set(all.records.map((r) => r.id)).size, 50, 'ids unique');
  assert.ok(all.records.every((r) => r.host === 'h1'));
  second.child.kill('SIGTERM');
  assert.equal(await second.exited, 0, second.stderr);
});

test('bad sinks entries are errors at FILE:LINE:COL naming the key; tswatch --config with --sink says where sinks go', async () => {
  const s = setUp(['w']);
  writeFileSync(s.config, `sinks:\n  - kafka://broker/t\n  - { rotateBytes: 1M }\noutbox: { maxBytes: huge }\nwatches:\n  - paths: [w]\n`);
  const bad = spawnTswatch(['run', '--config', s.config]);
  assert.equal(await bad.exited, 1);
  assert.match(
    bad.stderr,
    new RegExp(`${s.config}:2:5: sinks\\[0\\]\\.url: 'kafka://broker/t': unknown scheme 'kafka:' \\(give one of nats://HOST:4222/SUBJECT`),
  );
  assert.match(bad.stderr, new RegExp(`${s.config}:3:5: sinks\\[1\\]\\.url: required: the sink URL`));
  assert.match(bad.stderr, new RegExp(`${s.config}:4:11: outbox\\.maxBytes: "huge" is not valid`));
  writeFileSync(s.config, `watches:\n  - paths: [w]\n`);
  const both = spawnTswatch(['--config', s.config, '--sink', 'file:///tmp/x.jsonl']);
  assert.equal(await both.exited, 1);
  assert.match(
    both.stderr,
    /--config: everything comes from '.*', so --sink cannot be given too\n {2}set 'sinks:' in the config file instead/,
  );
  const recursive = spawnTswatch(['--config', s.config, '-r']);
  assert.equal(await recursive.exited, 1);
  assert.match(recursive.stderr, /so --recursive cannot be given too/);
  const noAction = spawnTswatch(['--config', s.config]);
  assert.equal(await noAction.exited, 1);
  assert.match(noAction.stderr, /:2:5: watches\[0\]: no action: give one of exec, restart, handler, recipe/);
});
