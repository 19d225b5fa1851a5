// tswatch/parcel's subscribe on the real kernel: the behaviours @parcel/watcher's own suite checks,
// plus what tswatch adds (new subtrees complete, batches that a steady stream cannot hold back).
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { subscribe, unsubscribe } from '../../../facades/parcel/index.js';
import { tmpDir } from '../../helpers/tmp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';
import { batches } from './batches.js';

// Each test's filesystem steps run synchronously in one tick, so they are all queued before the
// facade sees the first of them: the batch they land in does not depend on timing.

test('files: create, update, rename (delete + create), delete, one batch each', async () => {
  const dir = tmpDir();
  const w = await batches(dir);
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  writeFileSync(a, 'hello');
  assert.deepEqual(await w.batch(0), [{ type: 'create', path: a }]);
  writeFileSync(a, 'hi');
  assert.deepEqual(await w.batch(1), [{ type: 'update', path: a }]);
  renameSync(a, b);
  assert.deepEqual(await w.batch(2), [
    { type: 'delete', path: a },
    { type: 'create', path: b },
  ]);
  unlinkSync(b);
  assert.deepEqual(await w.batch(3), [{ type: 'delete', path: b }]);
});

test('a batch is sorted by path, as parcel sorts it (a rename to upper case creates first)', async () => {
  const dir = tmpDir();
  writeFileSync(join(dir, 'low'), '');
  const w = await batches(dir);
  renameSync(join(dir, 'low'), join(dir, 'LOW'));
  assert.deepEqual(await w.batch(0), [
    { type: 'create', path: join(dir, 'LOW') },
    { type: 'delete', path: join(dir, 'low') },
  ]);
});

test('directories: a removed tree is its entries deleted together; a moved one is the move alone', async () => {
  const dir = tmpDir();
  const w = await batches(dir);
  const d = join(dir, 'd');
  mkdirSync(join(d, 'sub'), { recursive: true });
  writeFileSync(join(d, 'f'), 'x');
  assert.deepEqual(await w.batch(0), [
    { type: 'create', path: d },
    { type: 'create', path: join(d, 'f') },
    { type: 'create', path: join(d, 'sub') },
  ]);
  renameSync(d, join(dir, 'd2'));
  renameSync(join(dir, 'd2/sub'), join(dir, 'd2/sub2'));
  assert.deepEqual(await w.batch(1), [
    { type: 'delete', path: d },
    { type: 'create', path: join(dir, 'd2') },
    { type: 'delete', path: join(dir, 'd2/sub') },
    { type: 'create', path: join(dir, 'd2/sub2') },
  ]);
  rmSync(join(dir, 'd2'), { recursive: true });
  assert.deepEqual(await w.batch(2), [
    { type: 'delete', path: join(dir, 'd2') },
    { type: 'delete', path: join(dir, 'd2/f') },
    { type: 'delete', path: join(dir, 'd2/sub2') },
  ]);
});

test('the watched directory itself going is its delete', async () => {
  const parent = tmpDir();
  const dir = join(parent, 'root');
  mkdirSync(dir);
  const w = await batches(dir);
  rmSync(dir, { recursive: true });
  assert.deepEqual(await w.batch(0), [{ type: 'delete', path: dir }]);
});

test('symlinks are entries: created, renamed, deleted; a write through one updates its target', async () => {
  const dir = tmpDir();
  const target = join(dir, 'target');
  const link = join(dir, 'link');
  writeFileSync(target, 'x');
  mkdirSync(join(dir, 'tdir'));
  const w = await batches(dir);
  symlinkSync(target, link);
  symlinkSync(join(dir, 'tdir'), join(dir, 'dirlink'));
  assert.deepEqual(await w.batch(0), [
    { type: 'create', path: join(dir, 'dirlink') },
    { type: 'create', path: link },
  ]);
  writeFileSync(link, 'through');
  assert.deepEqual(await w.batch(1), [{ type: 'update', path: target }]);
  renameSync(link, join(dir, 'link2'));
  unlinkSync(join(dir, 'dirlink'));
  assert.deepEqual(await w.batch(2), [
    { type: 'delete', path: join(dir, 'dirlink') },
    { type: 'delete', path: link },
    { type: 'create', path: join(dir, 'link2') },
  ]);
});

test('a batch folds each path: created+written is a create, created+deleted nothing, deleted+created an update', async () => {
  const dir = tmpDir();
  const p = (name: string) => join(dir, name);
  writeFileSync(p('old'), 'x');
  writeFileSync(p('doomed'), 'x');
  const w = await batches(dir);
  writeFileSync(p('new'), 'one');
  writeFileSync(p('new'), 'two');
  writeFileSync(p('brief'), 'x');
  unlinkSync(p('brief'));
  unlinkSync(p('old'));
  writeFileSync(p('old'), 'again');
  writeFileSync(p('hop1'), 'x');
  renameSync(p('hop1'), p('hop2'));
  renameSync(p('hop2'), p('hop3'));
  writeFileSync(p('doomed'), 'changed');
  unlinkSync(p('doomed'));
  assert.deepEqual(await w.batch(0), [
    { type: 'delete', path: p('doomed') },
    { type: 'create', path: p('hop3') },
    { type: 'create', path: p('new') },
    { type: 'update', path: p('old') },
  ]);
});

test('ignore: paths (relative or absolute, with what is below), globs and regular expressions', async () => {
  const dir = tmpDir();
  mkdirSync(join(dir, 'g/ignore'), { recursive: true });
  mkdirSync(join(dir, 'g/erongi/deep'), { recursive: true });
  const w = await batches(dir, {
    ignore: ['skipdir', join(dir, 'skipfile'), 'g/*.ignore', 'g/ignore/**', 'g/[a-e]?on(g|l)i/**', /node_modules/, /\.tmp$/],
  });
  mkdirSync(join(dir, 'skipdir'));
  writeFileSync(join(dir, 'skipdir/f'), '');
  writeFileSync(join(dir, 'skipfile'), '');
  for (const f of ['g/x.ignore', 'g/ignore/x', 'g/erongi/x', 'g/erongi/deep/x', 'save.tmp']) writeFileSync(join(dir, f), '');
  mkdirSync(join(dir, 'node_modules/pkg'), { recursive: true });
  writeFileSync(join(dir, 'node_modules/pkg/index.js'), '');
  writeFileSync(join(dir, 'g/kept'), '');
  writeFileSync(join(dir, 'kept'), '');
  assert.deepEqual(await w.batch(0), [
    { type: 'create', path: join(dir, 'g/kept') },
    { type: 'create', path: join(dir, 'kept') },
  ]);
});

test('a regular expression with flags is refused, as parcel refuses it', async () => {
  const dir = tmpDir();
  await assert.rejects(
    subscribe(dir, () => {}, { ignore: [/foo/i] }),
    /Flags are not supported/,
  );
});

test('a missing directory or a file cannot be subscribed to: a clear error, not a stack', async () => {
  const dir = tmpDir();
  await assert.rejects(
    subscribe(join(dir, 'nope'), () => {}),
    (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ENOENT');
      assert.match(err.message, /cannot watch '.*nope': no such directory/);
      return true;
    },
  );
  writeFileSync(join(dir, 'file'), '');
  await assert.rejects(
    subscribe(join(dir, 'file'), () => {}),
    /cannot watch '.*file': not a directory/,
  );
});

test('several subscriptions on one directory each get the events their own ignore lets through', async () => {
  const dir = tmpDir();
  const all = await batches(dir);
  const no1 = await batches(dir, { ignore: ['one'] });
  const no2 = await batches(dir, { ignore: [join(dir, 'two')] });
  writeFileSync(join(dir, 'one'), '');
  writeFileSync(join(dir, 'two'), '');
  const both = [
    { type: 'create', path: join(dir, 'one') },
    { type: 'create', path: join(dir, 'two') },
  ];
  assert.deepEqual(await all.batch(0), both);
  assert.deepEqual(await no1.batch(0), [both[1]]);
  assert.deepEqual(await no2.batch(0), [both[0]]);
});

test('unsubscribe(dir, fn, opts) stops the subscription made with the same three', async () => {
  const dir = tmpDir();
  const got: string[] = [];
  const fn = (_err: Error | null, events: Array<{ path: string }>) => got.push(...events.map((e) => e.path));
  const other = await batches(dir);
  await subscribe(dir, fn, { ignore: ['x'] });
  await unsubscribe(dir, fn, { ignore: ['y'] }); // other options: another subscription, still on
  writeFileSync(join(dir, 'a'), '');
  await waitFor(() => got.length === 1 && other.all().length === 1, 'the create on both');
  await unsubscribe(dir, fn, { ignore: ['x'] });
  writeFileSync(join(dir, 'b'), '');
  // The other subscription seeing b means the kernel has delivered it; the stopped one never got it.
  await waitFor(() => other.all().length === 2, 'the second create');
  assert.deepEqual(got, [join(dir, 'a')]);
});

test('a new subtree is reported complete: what was made in it before its watch existed is scanned', async () => {
  const dir = tmpDir();
  const w = await batches(dir);
  const expected: string[] = [];
  for (let i = 0; i < 20; i++) {
    const sub = join(dir, 'tree', `d${i}`, 'inner');
    mkdirSync(sub, { recursive: true });
    expected.push(join(dir, 'tree', `d${i}`), sub);
    for (let j = 0; j < 25; j++) {
      writeFileSync(join(sub, `f${j}`), 'x');
      expected.push(join(sub, `f${j}`));
    }
  }
  expected.push(join(dir, 'tree'));
  await waitFor(
    () => w.all().length >= expected.length,
    () => `${expected.length} creates, have ${w.all().length}`,
  );
  const created = w
    .all()
    .filter((e) => e.type === 'create')
    .map((e) => e.path);
  assert.deepEqual([...created].sort(), [...expected].sort());
  assert.equal(new Set(created).size, created.length, 'each path once');
});

test('a steady stream of changes is reported in batches of about batchMs, not held until it stops', async () => {
  const dir = tmpDir();
  const w = await batches(dir, { batchMs: 10 });
  let n = 0;
  const writer = setInterval(() => writeFileSync(join(dir, `s${n++}`), ''), 2);
  try {
    await waitFor(() => n >= 100, '100 writes');
  } finally {
    clearInterval(writer);
  }
  const creates = () =>
    new Set(
      w
        .all()
        .filter((e) => e.type === 'create')
        .map((e) => e.path),
    ).size;
  await waitFor(
    () => creates() === n,
    () => `${n} creates, have ${creates()}`,
  );
  // A quiet-period debounce (parcel: 50 ms of quiet, at most 500 ms) gives one or two batches here.
  assert.ok(w.seen.length >= 5, `${w.seen.length} batches for ${n} writes over a steady stream`);
});

test('batchMs: 0 reports each kernel read once it is processed', async () => {
  const dir = tmpDir();
  const w = await batches(dir, { batchMs: 0 });
  writeFileSync(join(dir, 'a'), '');
  assert.deepEqual(await w.batch(0), [{ type: 'create', path: join(dir, 'a') }]);
  writeFileSync(join(dir, 'b'), '');
  assert.deepEqual(await w.batch(1), [{ type: 'create', path: join(dir, 'b') }]);
  await assert.rejects(
    subscribe(dir, () => {}, { batchMs: -1 }),
    /batchMs: -1 is not a number of milliseconds/,
  );
});

test('a directory moved in from outside is created with what it holds (the tree now has it all)', async () => {
  const dir = tmpDir();
  const outside = tmpDir();
  mkdirSync(join(outside, 'pkg/lib'), { recursive: true });
  writeFileSync(join(outside, 'pkg/lib/index.js'), 'x');
  const w = await batches(dir);
  renameSync(join(outside, 'pkg'), join(dir, 'pkg'));
  assert.deepEqual(await w.batch(0), [
    { type: 'create', path: join(dir, 'pkg') },
    { type: 'create', path: join(dir, 'pkg/lib') },
    { type: 'create', path: join(dir, 'pkg/lib/index.js') },
  ]);
});

test("backend: 'brute-force' polls (creates and deletes seen), without a warning about masks parcel has none of", async () => {
  const dir = tmpDir();
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  process.on('warning', onWarning);
  try {
    const w = await batches(dir, { backend: 'brute-force' });
    writeFileSync(join(dir, 'a'), 'x');
    await waitFor(() => w.all().some((e) => e.type === 'create'), 'the create, polled');
    unlinkSync(join(dir, 'a'));
    await waitFor(() => w.all().some((e) => e.type === 'delete'), 'the delete, polled');
    assert.deepEqual(w.all(), [
      { type: 'create', path: join(dir, 'a') },
      { type: 'delete', path: join(dir, 'a') },
    ]);
  } finally {
    process.off('warning', onWarning);
  }
  assert.deepEqual(
    warnings.map((w) => w.message),
    [],
  );
});
