// `backend: 'watchman'` is watchman's, where watchman is installed: the calls go to @parcel/watcher's own
// watchman backend, so a dying watchman server reaches the callback as an error, as parcel's suite
// expects. Without watchman on PATH the same option runs on tswatch's engine.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { subscribe } from '../../../facades/parcel/index.js';
import { needsCommand } from '../../helpers/needs-command.js';
import { tmpDir } from '../../helpers/tmp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';

test("backend 'watchman' uses watchman: its events come, and its server dying is fn(err, [])", {
  skip: needsCommand('watchman'),
  timeout: 60_000,
}, async () => {
  const dir = tmpDir();
  const errors: Error[] = [];
  const paths: string[] = [];
  const sub = await subscribe(dir, (err, events) => (err ? errors.push(err) : paths.push(...events.map((e) => e.path))), {
    backend: 'watchman',
  });
  // With its server gone, @parcel/watcher's unsubscribe never settles (and nothing holds the loop then).
  after(() => (errors.length === 0 ? sub.unsubscribe() : undefined));
  writeFileSync(join(dir, 'a'), 'x');
  await waitFor(
    () => paths.includes(join(dir, 'a')),
    () => `the create through watchman (have ${JSON.stringify(paths)})`,
  );
  execFileSync('watchman', ['shutdown-server'], { stdio: 'ignore' });
  await waitFor(() => errors.length > 0, 'an error once the watchman server is gone');
});

test("without watchman on PATH, backend 'watchman' runs on tswatch's engine", { timeout: 30_000 }, async () => {
  const dir = tmpDir();
  const path = process.env.PATH;
  process.env.PATH = tmpDir(); // an empty directory: no watchman there
  const paths: string[] = [];
  try {
    const sub = await subscribe(dir, (err, events) => void (err ? undefined : paths.push(...events.map((e) => e.path))), {
      backend: 'watchman',
    });
    writeFileSync(join(dir, 'a'), 'x');
    await waitFor(
      () => paths.includes(join(dir, 'a')),
      () => `the create (have ${JSON.stringify(paths)})`,
    );
    await sub.unsubscribe();
  } finally {
    process.env.PATH = path;
  }
});
