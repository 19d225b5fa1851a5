/** atomicSave: write-temp-then-rename is one modify of the real file. */
import assert from 'node:assert/strict';
import { appendFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ALL_EVENTS, type Event, IN_CREATE, IN_MODIFY, Notifier, WatchManager } from '../src/index.js';
import { tmpDir } from './helpers/tmp-dir.js';
import { waitFor } from './helpers/wait-for.js';

function watching(t: { after(fn: () => void): void }, root: string, mask: number) {
  const wm = new WatchManager();
  wm.addWatch(root, mask, { quiet: false });
  const events: Event[] = [];
  const notifier = new Notifier(wm, (e) => void events.push(e), { atomicSave: true });
  notifier.start();
  t.after(() => notifier.stop());
  return { events, lines: () => events.map((e) => `${e.maskname} ${e.name}`) };
}

/** What editors do: write a temporary file beside the real one, then rename it over. */
function editorSave(root: string, name: string, text: string): void {
  writeFileSync(join(root, `.${name}.tmp`), text);
  renameSync(join(root, `.${name}.tmp`), join(root, name));
}

test('a save by temp file and rename is one MODIFY and one CLOSE_WRITE of the real file', async (t) => {
  const root = tmpDir();
  writeFileSync(join(root, 'doc.txt'), 'v1');
  const w = watching(t, root, ALL_EVENTS);
  editorSave(root, 'doc.txt', 'v2');
  writeFileSync(join(root, 'marker'), ''); // a genuinely new file: held a moment, then reported
  await waitFor(() => w.events.some((e) => e.name === 'marker' && e.mask & IN_CREATE), 'the new file, after its wait');
  const save = w.lines().filter((l) => !l.endsWith(' marker'));
  assert.deepEqual(save, ['IN_MODIFY doc.txt', 'IN_CLOSE_WRITE doc.txt']);
  assert.ok(!w.lines().some((l) => l.includes('.tmp')), w.lines().join('\n'));
  assert.deepEqual(
    w
      .lines()
      .filter((l) => l.endsWith(' marker'))
      .slice(0, 1),
    ['IN_CREATE marker'],
    'held events keep their order',
  );
});

test('with only modify asked for, the save is still seen (the create and rename are watched for it)', async (t) => {
  const root = tmpDir();
  writeFileSync(join(root, 'a.conf'), 'v1');
  writeFileSync(join(root, 'other'), '');
  const w = watching(t, root, IN_MODIFY);
  editorSave(root, 'a.conf', 'v2');
  appendFileSync(join(root, 'other'), 'x'); // an existing file's write is not held: it marks the end
  await waitFor(() => w.events.some((e) => e.name === 'other'), 'the marker write');
  assert.deepEqual(w.lines(), ['IN_MODIFY a.conf', 'IN_MODIFY other']);
});
