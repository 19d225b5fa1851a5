import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { humanBytes, ProgressLine } from '../../cli/progress-line.js';

test('ProgressLine redraws one line in place with \\r and clears it at the end', () => {
  let out = '';
  const sink = Object.assign(
    new Writable({
      write(chunk: Buffer, _enc, done) {
        out += chunk.toString();
        done();
      },
    }),
    { columns: 60 },
  );
  const bar = new ProgressLine(sink, 'sync');
  bar.update(1, 4, '1/4 files', true);
  bar.update(4, 4, '4/4 files', true);
  bar.end();
  const frames = out.split('\r').filter((f) => f !== '');
  assert.equal(frames[0], 'sync [######------------------]  25% 1/4 files\x1b[K');
  assert.equal(frames[1], 'sync [########################] 100% 4/4 files\x1b[K');
  assert.equal(frames[2], '\x1b[K');
  assert.ok(!out.includes('\n'));
});

test('humanBytes', () => {
  assert.equal(humanBytes(999), '999 B');
  assert.equal(humanBytes(1_500_000), '1.5 MB');
});
