/**
 * Every code block of the README and docs/ that is a command or a program is run, as docs/README.md
 * describes, so a documented example that breaks fails here.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { docBlocks } from './doc-blocks.js';
import { DocSandbox, REPO } from './doc-sandbox.js';
import { startServices } from './doc-services.js';
import { type BlockProcess, runBlock } from './run-block.js';

const pages = [
  'README.md',
  ...readdirSync(join(REPO, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
];
const texts = new Map(pages.map((page) => [page, readFileSync(join(REPO, page), 'utf8')]));
await startServices([...texts.values()]);

describe('documented examples', { concurrency: 3 }, () => {
  for (const page of pages) {
    test(page, { timeout: 120_000 }, async () => {
      const blocks = docBlocks(texts.get(page)!, page);
      for (const [i, block] of blocks.entries()) {
        if (block.kind !== 'file') continue;
        const used = blocks.some((b, j) => j !== i && b.kind !== 'text' && b.kind !== 'skip' && b.code.includes(block.file!));
        assert.ok(used, `${page}:${block.line}: file=${block.file} is used by no other block of the page`);
      }
      const sandbox = new DocSandbox();
      const background: BlockProcess[] = [];
      try {
        for (const block of blocks) {
          if (block.kind === 'text' || block.kind === 'skip') continue;
          try {
            const proc = await runBlock(block, sandbox);
            if (proc) background.push(proc);
          } catch (err) {
            throw new Error(`${page}:${block.line}: ${(err as Error).message}\n--- the block ---\n${block.code}`);
          }
        }
      } finally {
        for (const proc of background) await proc.stop();
        await sandbox.stopAll();
        for (const block of blocks)
          if (block.directives.cleanup) await runBlock({ ...block, kind: 'sh', code: block.directives.cleanup, directives: {} }, sandbox);
      }
    });
  }
});
