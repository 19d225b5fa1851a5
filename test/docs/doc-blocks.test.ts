import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchesTranscript, transcript } from './console-transcript.js';
import { docBlocks } from './doc-blocks.js';

const fence = '```';

test('blocks carry their kind, attributes and the doctest comment before them', () => {
  const page = `intro\n<!-- doctest\nsetup: mkdir -p src\nexpect: "a: b"\nstdout: |\n  one\n  two\n-->\n${fence}sh\ntswatch src\n${fence}\n\n${fence}yaml file=x.yaml\nwatches: []\n${fence}\n${fence}sh skip=installs\nnpm ci\n${fence}\n${fence}text\nsynopsis\n${fence}\n`;
  const blocks = docBlocks(page, 'p.md');
  assert.deepEqual(
    blocks.map((b) => b.kind),
    ['sh', 'file', 'skip', 'text'],
  );
  assert.deepEqual(blocks[0]!.directives, { setup: 'mkdir -p src', expect: 'a: b', stdout: 'one\ntwo' });
  assert.equal(blocks[0]!.code, 'tswatch src\n');
  assert.equal(blocks[0]!.line, 9);
  assert.equal(blocks[1]!.file, 'x.yaml');
});

test('the set-up commands are not run: npm ci would change the checkout, npm test run itself', () => {
  const blocks = docBlocks(
    `${fence}sh\nnpm ci && npm test\n${fence}\n${fence}sh\nnpm install tswatch\n${fence}\n${fence}sh\ntswatch --version\n${fence}\n`,
    'p.md',
  );
  assert.deepEqual(
    blocks.map((b) => [b.kind, b.skip]),
    [
      ['skip', 'installs'],
      ['skip', 'installs'],
      ['sh', undefined],
    ],
  );
});

test('what the convention does not know is refused, naming the place', () => {
  assert.throws(() => docBlocks(`${fence}\nls\n${fence}\n`, 'p.md'), /p\.md:1: code block with info string ''/);
  assert.throws(() => docBlocks(`${fence}bash\nls\n${fence}\n`, 'p.md'), /p\.md:1: .*'bash'/);
  assert.throws(() => docBlocks(`${fence}sh skip=lazy\nls\n${fence}\n`, 'p.md'), /skip=lazy: not an allowed reason/);
  assert.throws(() => docBlocks(`${fence}sh only=this\nls\n${fence}\n`, 'p.md'), /unknown info-string attribute 'only=this'/);
  assert.throws(
    () => docBlocks(`<!-- doctest\nwhen: now\n-->\n${fence}sh\nls\n${fence}\n`, 'p.md'),
    /p\.md:2: doctest: unknown key 'when'/,
  );
  assert.throws(
    () => docBlocks(`<!-- doctest\nsetup: ls\n-->\n${fence}text\nls\n${fence}\n`, 'p.md'),
    /a doctest comment on a block that is not run/,
  );
  assert.throws(() => docBlocks(`<!-- doctest\nsetup: ls\n-->\n\nprose\n`, 'p.md'), /must come right before a code block/);
});

test('a console transcript: commands, their output, … as a wildcard within a line or for lines', () => {
  const steps = transcript('$ a\none\n$ b\n');
  assert.deepEqual(steps, [
    { command: 'a', expected: ['one'] },
    { command: 'b', expected: [] },
  ]);
  assert.ok(matchesTranscript(['3 watches; max = …'], ['3 watches; max = 8192']));
  assert.ok(!matchesTranscript(['3 watches; max = …'], ['4 watches; max = 8192']));
  assert.ok(matchesTranscript(['head', '…', 'exit 1'], ['head', 'x', 'y', 'exit 1']));
  assert.ok(matchesTranscript(['head', '…', 'exit 1'], ['head', 'exit 1']));
  assert.ok(!matchesTranscript(['exit 0'], ['exit 0', 'more']));
  assert.ok(matchesTranscript(['a (b) [c] $d'], ['a (b) [c] $d']), 'regex characters are literal');
});
