import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { FleetOptions, FleetRecord } from '../../../recipes/fleet/index.js';
import { ReloadableFleet } from '../../../recipes/fleet/reloadable-fleet.js';
import { Event, IN_CREATE } from '../../../src/index.js';
import { tmpDir } from '../../helpers/tmp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';

const names = (file: string): string[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as FleetRecord).name)
    : [];
const create = (name: string): Event => new Event({ wd: 1, mask: IN_CREATE, name, path: '/watched' });

function setUp() {
  const dir = tmpDir();
  const [a, b] = [join(dir, 'a.jsonl'), join(dir, 'b.jsonl')];
  const options = (...files: string[]): FleetOptions => ({
    sinks: files.map((f) => ({ url: `file://${f}` })),
    host: 'h',
    outbox: { dir: join(dir, 'box') },
  });
  const said: string[] = [];
  return { a, b, options, said, fleet: new ReloadableFleet((text) => said.push(text)) };
}

test('events published while the publisher is being replaced go to the new one: none lost, none twice', async () => {
  const { a, b, options, fleet } = setUp();
  await fleet.apply(options(a));
  fleet.publish(create('before'));
  const swap = fleet.apply(options(b));
  fleet.publish(create('during1')); // the old one is closing now
  fleet.publish(create('during2'));
  await swap;
  fleet.publish(create('after'));
  await waitFor(() => names(b).length === 3, 'three records in the new sink');
  await fleet.close();
  assert.deepEqual(names(a), ['before']);
  assert.deepEqual(names(b), ['during1', 'during2', 'after']);
});

test('the same options again change nothing; a new publisher that cannot open leaves the old one running', async () => {
  const { a, options, said, fleet } = setUp();
  await fleet.apply(options(a));
  fleet.publish(create('one'));
  await waitFor(() => fleet.status()[0]?.delivered === 1, 'one delivered');
  await fleet.apply(options(a));
  assert.equal(fleet.status()[0]!.delivered, 1, 'the same publisher (its counters kept)');
  await assert.rejects(fleet.apply({ ...options(a), outbox: { dir: '/proc/tswatch-outbox' } }), /outbox \/proc\/tswatch-outbox/);
  fleet.publish(create('two'));
  await waitFor(() => names(a).length === 2, 'the reopened publisher delivers');
  await fleet.close();
  assert.deepEqual(names(a), ['one', 'two']);
  assert.deepEqual(fleet.status(), []);
  assert.deepEqual(said, []);
});

test('status shows a sink URL with its password masked (it is on the web page and in ctl status)', async () => {
  const fleet = new ReloadableFleet(() => {});
  await fleet.apply({ sinks: [{ url: 'nats://agent:s3cret@127.0.0.1:1/fleet' }], outbox: { dir: tmpDir() } }); // nothing listens: nothing is sent
  assert.deepEqual(fleet.status(), [{ sink: 'nats://agent:***@127.0.0.1:1/fleet', pending: 0, delivered: 0, dropped: 0 }]);
  await fleet.close();
});
