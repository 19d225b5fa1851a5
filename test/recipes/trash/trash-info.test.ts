import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeTrashPath, encodeTrashPath, formatTrashInfo, parseTrashInfo } from '../../../recipes/trash/index.js';
import { parseDeletionDate } from '../../../recipes/trash/trash-info.js';
import { runSync } from '../../helpers/trash-env.js';

const HOSTILE = [
  '/tmp/a b',
  '/tmp/100%',
  '/tmp/nl\nx',
  '/tmp/$(touch pwned)',
  '/tmp/é—日本',
  "/tmp/it's;`x`",
  '/tmp/a+b=c&d#e?f',
  '/tmp/tab\tq',
];

test('Path= is percent-encoded exactly as trash-cli (Python quote(path, "/")) writes it, and decodes back', () => {
  const script = 'import sys, json\nfrom urllib.parse import quote\nprint(json.dumps([quote(p, "/") for p in json.load(sys.stdin)]))';
  const python = runSync('python3', ['-c', script], { input: JSON.stringify(HOSTILE) });
  assert.equal(python.status, 0, python.stderr);
  assert.deepEqual(HOSTILE.map(encodeTrashPath), JSON.parse(python.stdout));
  for (const path of HOSTILE) assert.equal(decodeTrashPath(encodeTrashPath(path)), path);
  assert.equal(encodeTrashPath('/tmp/a b'), '/tmp/a%20b');
});

test('a .trashinfo is written and read back; a file without [Trash Info] Path= is not one', () => {
  const text = formatTrashInfo('/tmp/nl\nx', new Date(2026, 0, 2, 3, 4, 5));
  assert.equal(text, '[Trash Info]\nPath=/tmp/nl%0Ax\nDeletionDate=2026-01-02T03:04:05\n');
  assert.deepEqual(parseTrashInfo(text), { path: '/tmp/nl\nx', deletionDate: '2026-01-02T03:04:05' });
  assert.equal(parseTrashInfo('[Other]\nPath=/x\n'), undefined);
  assert.equal(parseTrashInfo(''), undefined);
  assert.equal(parseDeletionDate('2026-01-02T03:04:05')?.getTime(), new Date(2026, 0, 2, 3, 4, 5).getTime());
  assert.equal(parseDeletionDate('yesterday'), undefined);
});

test('Path= carries bytes that are not UTF-8 as %XX, as GLib writes them, and reads them back (escaped or raw in the file)', () => {
  const raw = '/tmp/d\udcfe/name\udcff é'; // fsDecode of the bytes 2f…64 fe 2f…65 ff 20 c3 a9
  assert.equal(encodeTrashPath(raw), '/tmp/d%FE/name%FF%20%C3%A9');
  assert.equal(decodeTrashPath('/tmp/d%FE/name%FF%20%C3%A9'), raw);
  assert.equal(decodeTrashPath('/tmp/d%fe/name%ff%20%c3%a9'), raw, 'lower-case hex too');
  const written = Buffer.concat([
    Buffer.from('[Trash Info]\nPath=/tmp/d'),
    Buffer.of(0xfe),
    Buffer.from('/name%FF é\nDeletionDate=2026-01-02T03:04:05\n'),
  ]);
  assert.deepEqual(parseTrashInfo(written), { path: raw, deletionDate: '2026-01-02T03:04:05' }, 'an unescaped byte in the file is kept');
  assert.equal(decodeTrashPath('/tmp/%E6%97%A5'), '/tmp/日', 'UTF-8 sequences split over escapes still decode as one character');
});
