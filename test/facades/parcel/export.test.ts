// The one-line change as a user makes it: `tswatch/parcel` resolves through package.json's exports, as
// a default import (what `import watcher from '@parcel/watcher'` gives) and as named imports, with types.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

test("import watcher from 'tswatch/parcel' and its named exports resolve from the package", () => {
  const code = `import watcher from 'tswatch/parcel';
    import * as named from 'tswatch/parcel';
    const fns = ['subscribe', 'unsubscribe', 'writeSnapshot', 'getEventsSince'];
    console.log(JSON.stringify(fns.map((f) => [typeof watcher[f], watcher[f] === named[f]])));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8' });
  assert.deepEqual(JSON.parse(out), Array(4).fill(['function', true]));
  const exp = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, { types: string }> }).exports[
    './parcel'
  ]!;
  assert.ok(existsSync(join(ROOT, exp.types)), `types at ${exp.types}`);
});
