// The doc harness itself: what `until:` waits for.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { DocBlock } from './doc-blocks.js';
import { DocSandbox } from './doc-sandbox.js';
import { runBlock } from './run-block.js';

const block = (code: string, until: string): DocBlock => ({ page: 'test', line: 1, lang: 'sh', kind: 'sh', code, directives: { until } });

test("`until:` on the world waits past the block's own end (a `kill -HUP` returns before the reload is logged)", async () => {
  const sandbox = new DocSandbox();
  try {
    await runBlock(block('(sleep 0.2; touch later) >/dev/null 2>&1 &', 'test -f later'), sandbox);
    assert.ok(existsSync(join(sandbox.home, 'later')));
  } finally {
    await sandbox.stopAll();
  }
});

test('a block that failed is not waited for', async () => {
  const sandbox = new DocSandbox();
  try {
    await assert.rejects(runBlock(block('exit 3', 'test -f never'), sandbox), /the block exited \(3\) before/);
  } finally {
    await sandbox.stopAll();
  }
});
