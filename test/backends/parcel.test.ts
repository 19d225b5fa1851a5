import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { RawEvent } from '../../src/backends/backend.js';
import { ParcelBackend } from '../../src/backends/parcel.js';
import { PathError } from '../../src/errors.js';
import { ALL_EVENTS, IN_CREATE, IN_DELETE, IN_DELETE_SELF, IN_IGNORED, IN_ISDIR, IN_MODIFY, maskname } from '../../src/masks.js';
import { spawnCommand } from '../helpers/spawn-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

/** A started backend recording every event; closed when the test ends (`after` inside a test). */
function started() {
  const backend = new ParcelBackend();
  const events: RawEvent[] = [];
  const errors: Error[] = [];
  backend.start(
    (batch) => events.push(...batch),
    (err) => errors.push(err),
  );
  after(() => backend.close());
  const show = () => events.map((e) => `${e.wd} ${maskname(e.mask)} ${e.name}`).join('; ');
  return {
    backend,
    events,
    errors,
    has: (wd: number, mask: number, name: string) => events.some((e) => e.wd === wd && e.mask === mask && e.name === name),
    /** Wait for an exact event, `wd mask name`. */
    until: (wd: number, mask: number, name: string) =>
      waitFor(
        () => events.some((e) => e.wd === wd && e.mask === mask && e.name === name),
        `${wd} ${maskname(mask)} '${name}'; have: ${show()}`,
      ),
  };
}

test('create, mkdir, write, unlink map to IN_CREATE, IN_CREATE|IN_ISDIR, IN_MODIFY, IN_DELETE', async () => {
  const dir = tmpDir();
  writeFileSync(join(dir, 'old'), 'x');
  const t = started();
  const wd = t.backend.addWatch(dir, ALL_EVENTS);
  assert.ok(Number.isInteger(wd) && wd > 0);
  await t.backend.ready();

  writeFileSync(join(dir, 'new'), '');
  await t.until(wd, IN_CREATE, 'new');
  mkdirSync(join(dir, 'sub'));
  await t.until(wd, IN_CREATE | IN_ISDIR, 'sub');
  appendFileSync(join(dir, 'old'), 'more');
  await t.until(wd, IN_MODIFY, 'old');
  unlinkSync(join(dir, 'old'));
  await t.until(wd, IN_DELETE, 'old');
  assert.deepEqual(t.errors, []);
});

test('a file in a watched subdirectory goes to the subdirectory wd, once', async () => {
  const dir = tmpDir();
  mkdirSync(join(dir, 'a'));
  mkdirSync(join(dir, 'b'));
  const t = started();
  // Inner first, then the outer root that replaces its subscription; then one already covered.
  const a = t.backend.addWatch(join(dir, 'a'), ALL_EVENTS);
  await t.backend.ready();
  const top = t.backend.addWatch(dir, ALL_EVENTS);
  const b = t.backend.addWatch(join(dir, 'b'), ALL_EVENTS);
  await t.backend.ready();

  writeFileSync(join(dir, 'a', 'fa'), '');
  writeFileSync(join(dir, 'b', 'fb'), '');
  await t.until(a, IN_CREATE, 'fa');
  await t.until(b, IN_CREATE, 'fb');
  writeFileSync(join(dir, 'marker'), '');
  await t.until(top, IN_CREATE, 'marker');
  assert.equal(t.events.filter((e) => e.name === 'fa').length, 1, 'fa delivered once');
  assert.equal(t.events.filter((e) => e.name === 'fb').length, 1, 'fb delivered once');
  assert.ok(!t.events.some((e) => e.wd === top && (e.name === 'fa' || e.name === 'fb')));
});

test('removing the outer root keeps the watches below it delivering', async () => {
  const dir = tmpDir();
  mkdirSync(join(dir, 'a'));
  const t = started();
  const top = t.backend.addWatch(dir, ALL_EVENTS);
  const a = t.backend.addWatch(join(dir, 'a'), ALL_EVENTS);
  await t.backend.ready();
  t.backend.rmWatch(top);
  await t.backend.ready();
  writeFileSync(join(dir, 'a', 'still'), '');
  await t.until(a, IN_CREATE, 'still');
});

test('a file in an unwatched subdirectory is not delivered', async () => {
  const dir = tmpDir();
  mkdirSync(join(dir, 'unwatched'));
  const t = started();
  const wd = t.backend.addWatch(dir, ALL_EVENTS);
  await t.backend.ready();
  writeFileSync(join(dir, 'unwatched', 'inner'), '');
  writeFileSync(join(dir, 'marker'), '');
  await t.until(wd, IN_CREATE, 'marker');
  assert.ok(!t.events.some((e) => e.name === 'inner'));
});

test('only the bits the mask asked for are delivered', async () => {
  const dir = tmpDir();
  writeFileSync(join(dir, 'doomed'), '');
  const t = started();
  const wd = t.backend.addWatch(dir, IN_DELETE);
  await t.backend.ready();
  writeFileSync(join(dir, 'born'), '');
  unlinkSync(join(dir, 'doomed'));
  await t.until(wd, IN_DELETE, 'doomed');
  assert.deepEqual(
    t.events.filter((e) => e.mask & IN_CREATE),
    [],
  );
});

test('a missing path throws PathError ENOENT', () => {
  const backend = new ParcelBackend();
  after(() => backend.close());
  assert.throws(
    () => backend.addWatch(join(tmpDir(), 'nope'), ALL_EVENTS),
    (err: unknown) => err instanceof PathError && err.code === 'ENOENT',
  );
});

test('the same inode twice gives the same wd', () => {
  const dir = tmpDir();
  mkdirSync(join(dir, 'd'));
  symlinkSync(join(dir, 'd'), join(dir, 'link'));
  const backend = new ParcelBackend();
  after(() => backend.close());
  const wd = backend.addWatch(join(dir, 'd'), IN_CREATE);
  assert.equal(backend.addWatch(`${join(dir, 'd')}/`, IN_DELETE), wd);
  assert.equal(backend.addWatch(join(dir, 'link'), IN_DELETE), wd);
  assert.notEqual(backend.addWatch(dir, IN_DELETE), wd);
});

test('rmWatch answers IN_IGNORED and stops delivery', async () => {
  const dir = tmpDir();
  const t = started();
  const wd = t.backend.addWatch(dir, ALL_EVENTS);
  await t.backend.ready();
  t.backend.rmWatch(wd);
  await t.until(wd, IN_IGNORED, '');
  t.backend.rmWatch(wd); // already gone: not an error, no second IN_IGNORED
  const otherDir = tmpDir();
  const other = t.backend.addWatch(otherDir, ALL_EVENTS);
  await t.backend.ready();
  writeFileSync(join(dir, 'after'), '');
  writeFileSync(join(otherDir, 'marker'), '');
  await t.until(other, IN_CREATE, 'marker');
  assert.ok(!t.events.some((e) => e.name === 'after'));
  assert.equal(t.events.filter((e) => e.wd === wd).length, 1);
});

test('removing a watched directory gives IN_DELETE_SELF then IN_IGNORED', async () => {
  const dir = tmpDir();
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'f'), '');
  mkdirSync(join(dir, 'alone'));
  const t = started();
  const top = t.backend.addWatch(dir, ALL_EVENTS);
  const sub = t.backend.addWatch(join(dir, 'sub'), ALL_EVENTS);
  await t.backend.ready();
  rmSync(join(dir, 'sub'), { recursive: true });
  await t.until(sub, IN_IGNORED, '');
  await t.until(top, IN_DELETE | IN_ISDIR, 'sub');
  const mine = t.events.filter((e) => e.wd === sub).map((e) => maskname(e.mask));
  assert.deepEqual(mine, ['IN_DELETE', 'IN_DELETE_SELF', 'IN_IGNORED']);

  // A subscription root itself: parcel reports the root's own deletion.
  const t2 = started();
  const alone = t2.backend.addWatch(join(dir, 'alone'), ALL_EVENTS);
  await t2.backend.ready();
  rmSync(join(dir, 'alone'), { recursive: true });
  await t2.until(alone, IN_DELETE_SELF, '');
  await t2.until(alone, IN_IGNORED, '');
});

test('a watched file gets IN_MODIFY and IN_DELETE_SELF with an empty name', async () => {
  const dir = tmpDir();
  const file = join(dir, 'f');
  writeFileSync(file, '');
  const t = started();
  const wd = t.backend.addWatch(file, ALL_EVENTS);
  await t.backend.ready();
  appendFileSync(file, 'x');
  await t.until(wd, IN_MODIFY, '');
  unlinkSync(file);
  await t.until(wd, IN_IGNORED, '');
  assert.ok(t.has(wd, IN_DELETE_SELF, ''));
  assert.ok(!t.events.some((e) => e.name === 'f'), 'the unwatched parent reports nothing');
});

test('a watched file replaced by rename (atomic save) ends its watch', async () => {
  const dir = tmpDir();
  const file = join(dir, 'f');
  writeFileSync(file, 'v1');
  const t = started();
  const top = t.backend.addWatch(dir, ALL_EVENTS);
  const wd = t.backend.addWatch(file, ALL_EVENTS);
  await t.backend.ready();
  writeFileSync(join(dir, 'f.tmp'), 'v2');
  renameSync(join(dir, 'f.tmp'), file);
  await t.until(wd, IN_IGNORED, '');
  assert.ok(t.has(wd, IN_DELETE_SELF, ''));
  await t.until(top, IN_CREATE, 'f');
});

test('pause holds batches until resume', async () => {
  const dir = tmpDir();
  const t = started();
  const wd = t.backend.addWatch(dir, ALL_EVENTS);
  await t.backend.ready();
  t.backend.pause();
  writeFileSync(join(dir, 'held'), '');
  await waitFor(() => ((t.backend as unknown as { held: unknown[] }).held ?? []).length > 0, 'a held batch');
  assert.equal(t.events.length, 0);
  t.backend.resume();
  assert.ok(t.has(wd, IN_CREATE, 'held'));
});

test('after close() a process using the backend exits on its own', async () => {
  const dir = tmpDir();
  const script = join(dir, 'child.mjs');
  const moduleUrl = new URL('../../src/backends/parcel.js', import.meta.url).href;
  writeFileSync(
    script,
    `import { ParcelBackend } from ${JSON.stringify(moduleUrl)};
const backend = new ParcelBackend();
backend.addWatch(${JSON.stringify(dir)}, 0xfff);
backend.start(() => {}, (err) => { console.error(err); process.exitCode = 1; });
await backend.ready();
backend.close();
backend.close();
console.log('closed');
`,
  );
  const child = spawnCommand(process.execPath, [script]);
  let code: number | null | undefined;
  void child.exited.then((c) => (code = c));
  await waitFor(() => code !== undefined, `child exit; stderr: ${child.stderr}`);
  assert.equal(code, 0, child.stderr);
  assert.equal(child.stdout.trim(), 'closed');
});
