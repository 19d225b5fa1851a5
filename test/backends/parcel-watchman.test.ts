// Where watchman is installed, @parcel/watcher left to choose goes to it, and tswatch's parcel backend
// then hung on its first unsubscribe (CI ran out of time). The backend names parcel's inotify backend.
// The child runs the backend so that a hang is a failure here, not a test file that never ends.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnCommand } from '../helpers/spawn-cli.js';
import { needsCommand } from '../helpers/needs-command.js';
import { tmpDir } from '../helpers/tmp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

test('with watchman on PATH the parcel backend still runs on inotify: watchman never watches the tree', {
  skip: needsCommand('watchman'),
}, async () => {
  const dir = tmpDir();
  const script = join(tmpDir(), 'child.mjs');
  const moduleUrl = new URL('../../src/backends/parcel.js', import.meta.url).href;
  writeFileSync(
    script,
    `import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { ParcelBackend } from ${JSON.stringify(moduleUrl)};
const backend = new ParcelBackend();
const seen = [];
const wd = backend.addWatch(${JSON.stringify(dir)}, 0xfff);
backend.start((batch) => seen.push(...batch.map((e) => e.name)), (err) => { console.error(err.message); process.exitCode = 1; });
await backend.ready();
writeFileSync(${JSON.stringify(join(dir, 'a'))}, '');
while (!seen.includes('a')) await new Promise((r) => setTimeout(r, 5));
const { roots } = JSON.parse(execFileSync('watchman', ['watch-list'], { encoding: 'utf8' }));
console.log(JSON.stringify(roots));
await backend.close();
`,
  );
  const child = spawnCommand(process.execPath, [script]);
  let code: number | null | undefined;
  void child.exited.then((c) => (code = c));
  try {
    await waitFor(
      () => code !== undefined,
      () => `the child to see 'a' and exit; stdout: ${child.stdout} stderr: ${child.stderr}`,
      30_000,
    );
  } finally {
    child.child.kill('SIGKILL');
  }
  assert.equal(code, 0, child.stderr);
  const roots = JSON.parse(child.stdout) as string[];
  assert.ok(!roots.some((root) => dir.startsWith(root)), `watchman watches ${JSON.stringify(roots)}, which holds ${dir}`);
});
