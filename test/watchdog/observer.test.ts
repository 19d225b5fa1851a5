/** watchdog's behaviours, ported in spirit, on real directories. */
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  DirCreatedEvent,
  DirDeletedEvent,
  DirModifiedEvent,
  DirMovedEvent,
  FileClosedEvent,
  FileClosedNoWriteEvent,
  FileCreatedEvent,
  FileDeletedEvent,
  FileModifiedEvent,
  FileMovedEvent,
  FileOpenedEvent,
  FileSystemEventHandler,
  type FileSystemEvent,
  Observer,
  type ObserverOptions,
  PollingObserver,
} from '../../src/index.js';
import { tmpDir } from '../helpers/tmp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

class Recorder extends FileSystemEventHandler {
  readonly events: FileSystemEvent[] = [];
  readonly hooks: string[] = [];
  override on_any_event(event: FileSystemEvent): void {
    this.events.push(event);
  }
  override on_created(e: FileSystemEvent): void {
    this.hooks.push(`created ${e.src_path}`);
  }
  override on_moved(e: FileSystemEvent): void {
    this.hooks.push(`moved ${e.src_path} ${e.dest_path}`);
  }
}

const show = (events: FileSystemEvent[]) => events.map(String).join('\n  ');

async function observe(t: { after(fn: () => void): void }, root: string, recursive = true, observer: Observer = new Observer()) {
  const handler = new Recorder();
  const watch = observer.schedule(handler, root, { recursive });
  observer.start();
  t.after(() => observer.stop());
  await observer.ready();
  // A file in a new directory may come from the core's scan of it (synthetic) or from the kernel.
  const same = (e: FileSystemEvent, want: FileSystemEvent) =>
    e.equals(want) || (!want.is_synthetic && e.key.slice(0, 4).every((v, i) => v === want.key[i]));
  const count = (want: FileSystemEvent) => handler.events.filter((e) => same(e, want)).length;
  return {
    observer,
    handler,
    watch,
    count,
    until: (want: FileSystemEvent) =>
      waitFor(() => count(want) > 0, String(want), 20_000).catch((err: Error) => {
        throw new Error(`${err.message}; have:\n  ${show(handler.events)}`);
      }),
  };
}

test('create, modify, close, open and delete of a file, with the parent modified as watchdog says', async (t) => {
  const root = tmpDir();
  const o = await observe(t, root);
  const f = join(root, 'a.txt');
  writeFileSync(f, 'x');
  await o.until(new FileCreatedEvent(f));
  await o.until(new DirModifiedEvent(root));
  await o.until(new FileModifiedEvent(f));
  await o.until(new FileClosedEvent(f));
  readFileSync(f);
  await o.until(new FileOpenedEvent(f));
  await o.until(new FileClosedNoWriteEvent(f));
  rmSync(f);
  await o.until(new FileDeletedEvent(f));
  assert.equal(o.count(new FileCreatedEvent(f)), 1);
  assert.ok(o.handler.hooks.includes(`created ${f}`), 'on_created ran');
});

test('a rename inside the tree is one FileMovedEvent; out of the tree a delete, into it a create', async (t) => {
  const outside = tmpDir();
  const root = tmpDir();
  writeFileSync(join(root, 'a'), '');
  writeFileSync(join(outside, 'in'), '');
  const o = await observe(t, root);
  renameSync(join(root, 'a'), join(root, 'b'));
  await o.until(new FileMovedEvent(join(root, 'a'), join(root, 'b')));
  renameSync(join(root, 'b'), join(outside, 'gone'));
  await o.until(new FileDeletedEvent(join(root, 'b')));
  renameSync(join(outside, 'in'), join(root, 'in'));
  await o.until(new FileCreatedEvent(join(root, 'in')));
  assert.ok(o.handler.hooks.includes(`moved ${join(root, 'a')} ${join(root, 'b')}`));
  assert.equal(o.handler.events.filter((e) => e.event_type === 'moved').length, 1, 'no move for the ones crossing the border');
});

test('a moved directory moves its contents (synthetic), and the new place is watched', async (t) => {
  const root = tmpDir();
  mkdirSync(join(root, 'd/e'), { recursive: true });
  writeFileSync(join(root, 'd/e/f'), '');
  const o = await observe(t, root);
  renameSync(join(root, 'd'), join(root, 'D'));
  await o.until(new DirMovedEvent(join(root, 'd'), join(root, 'D')));
  await o.until(new DirMovedEvent(join(root, 'd/e'), join(root, 'D/e'), true));
  await o.until(new FileMovedEvent(join(root, 'd/e/f'), join(root, 'D/e/f'), true));
  writeFileSync(join(root, 'D/e/new'), '');
  await o.until(new FileCreatedEvent(join(root, 'D/e/new')));
});

test('a new subtree: each directory and file created exactly once', async (t) => {
  const root = tmpDir();
  const o = await observe(t, root);
  mkdirSync(join(root, 'n/a/b'), { recursive: true });
  writeFileSync(join(root, 'n/a/b/f'), '');
  await o.until(new FileCreatedEvent(join(root, 'n/a/b/f')));
  writeFileSync(join(root, 'marker'), '');
  await o.until(new FileCreatedEvent(join(root, 'marker')));
  for (const dir of ['n', 'n/a', 'n/a/b']) {
    const created = o.handler.events.filter((e) => e.event_type === 'created' && e.src_path === join(root, dir));
    assert.equal(created.length, 1, `${dir}: ${show(created)}`);
    assert.ok(created[0] instanceof DirCreatedEvent);
  }
  assert.equal(o.handler.events.filter((e) => e.event_type === 'created' && e.src_path === join(root, 'n/a/b/f')).length, 1);
});

test('non-recursive: a subdirectory is reported, what happens inside it is not', async (t) => {
  const root = tmpDir();
  mkdirSync(join(root, 'sub'));
  const o = await observe(t, root, false);
  writeFileSync(join(root, 'sub', 'inner'), '');
  writeFileSync(join(root, 'top'), '');
  await o.until(new FileCreatedEvent(join(root, 'top')));
  assert.ok(!o.handler.events.some((e) => e.src_path.includes('inner')), show(o.handler.events));
});

test('deleting the watched directory gives DirDeletedEvent for it', async (t) => {
  const parent = tmpDir();
  const root = join(parent, 'root');
  mkdirSync(root);
  const o = await observe(t, root);
  rmSync(root, { recursive: true });
  await o.until(new DirDeletedEvent(root));
});

test('schedule twice on one path shares the watch; unschedule stops delivery; join resolves on stop', async (t) => {
  const root = tmpDir();
  const o = await observe(t, root);
  const second = new Recorder();
  assert.equal(o.observer.schedule(second, root, { recursive: true }), o.watch);
  writeFileSync(join(root, 'both'), '');
  await o.until(new FileCreatedEvent(join(root, 'both')));
  await waitFor(() => second.events.some((e) => e.equals(new FileCreatedEvent(join(root, 'both')))), 'second handler');
  o.observer.unschedule(o.watch);
  assert.deepEqual(o.observer.watches, []);
  const before = o.handler.events.length;
  writeFileSync(join(root, 'after'), '');
  const other = await observe(t, root); // a fresh observer sees it: the file system did change
  writeFileSync(join(root, 'after2'), '');
  await other.until(new FileCreatedEvent(join(root, 'after2')));
  assert.equal(o.handler.events.length, before);
  const joined = o.observer.join();
  o.observer.stop();
  await joined;
  assert.equal(o.observer.is_alive(), false);
});

test('a handler that throws emits error with the event; delivery goes on', async (t) => {
  const root = tmpDir();
  const observer = new Observer();
  const errors: Array<[Error, FileSystemEvent | undefined]> = [];
  observer.on('error', (err: Error, event?: FileSystemEvent) => errors.push([err, event]));
  const boom = new (class extends FileSystemEventHandler {
    override on_created(): void {
      throw new Error('boom');
    }
  })();
  observer.schedule(boom, root);
  const o = await observe(t, root, false, observer);
  writeFileSync(join(root, 'x'), '');
  await o.until(new FileCreatedEvent(join(root, 'x')));
  await waitFor(() => errors.length > 0, 'the error');
  assert.equal(errors[0]![0].message, 'boom');
  assert.ok(errors[0]![1]?.equals(new FileCreatedEvent(join(root, 'x'))));
});

test("events print as watchdog's repr and compare by value", () => {
  const e = new FileMovedEvent('/a', '/b');
  assert.equal(String(e), "FileMovedEvent(src_path='/a', dest_path='/b', event_type='moved', is_directory=False, is_synthetic=False)");
  assert.ok(new DirCreatedEvent('/d').equals(new DirCreatedEvent('/d')));
  assert.ok(!new DirCreatedEvent('/d').equals(new FileCreatedEvent('/d')));
  assert.equal(new DirCreatedEvent('/d').is_directory, true);
});

for (const [label, make] of [
  ['PollingObserver', (o: ObserverOptions) => new PollingObserver(o)],
  ['Observer on parcel', (o: ObserverOptions) => new Observer({ ...o, backend: 'parcel' })],
] as const) {
  test(`${label}: creates, modifies, deletes; a rename is a delete and a create`, async (t) => {
    const root = tmpDir();
    writeFileSync(join(root, 'a'), '');
    const o = await observe(t, root, true, make({ timeout: 0.05 }));
    writeFileSync(join(root, 'new'), 'x');
    await o.until(new FileCreatedEvent(join(root, 'new')));
    appendFileSync(join(root, 'new'), 'more');
    await o.until(new FileModifiedEvent(join(root, 'new')));
    renameSync(join(root, 'a'), join(root, 'b'));
    await o.until(new FileDeletedEvent(join(root, 'a')));
    await o.until(new FileCreatedEvent(join(root, 'b')));
    mkdirSync(join(root, 'sub'));
    writeFileSync(join(root, 'sub', 'deep'), '');
    await o.until(new FileCreatedEvent(join(root, 'sub', 'deep')));
    assert.equal(o.count(new DirCreatedEvent(join(root, 'sub'))), 1);
  });
}

test('atomicSave: an editor-style save is one FileModifiedEvent of the real file, nothing of the temporary', async (t) => {
  const root = tmpDir();
  writeFileSync(join(root, 'doc.txt'), 'v1');
  const o = await observe(t, root, true, new Observer({ atomicSave: true }));
  writeFileSync(join(root, '.doc.txt.swp'), 'v2');
  renameSync(join(root, '.doc.txt.swp'), join(root, 'doc.txt'));
  await o.until(new FileClosedEvent(join(root, 'doc.txt')));
  assert.deepEqual(o.handler.events.map(String), [
    new FileModifiedEvent(join(root, 'doc.txt')).toString(),
    new FileClosedEvent(join(root, 'doc.txt')).toString(),
  ]);
});
