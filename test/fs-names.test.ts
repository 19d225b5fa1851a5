import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { endianness } from 'node:os';
import { test } from 'node:test';
import { fsDecode, fsEncode, IN_CREATE } from '../src/index.js';

test('valid UTF-8 decodes as usual; other bytes become lone surrogates U+DC80..U+DCFF', () => {
  assert.equal(fsDecode(Buffer.from('héllo 🎉')), 'héllo 🎉');
  assert.equal(fsDecode(Buffer.from([0x61, 0xff, 0x62])), 'a\udcffb');
  assert.equal(fsDecode(Buffer.from([0xc3])), '\udcc3', 'a truncated sequence');
  assert.equal(fsDecode(Buffer.from([0xed, 0xa0, 0x80])), '\udced\udca0\udc80', 'an encoded surrogate is not UTF-8');
  assert.equal(JSON.stringify(fsDecode(Buffer.from([0xfe]))), '"\\udcfe"', 'JSON escapes it, as Python reads it back');
});

test('fsEncode(fsDecode(bytes)) gives the bytes back, for random names', () => {
  for (let i = 0; i < 2000; i++) {
    const bytes = randomBytes(1 + (i % 40));
    assert.deepEqual(fsEncode(fsDecode(bytes)), bytes);
  }
  assert.deepEqual(fsEncode('🎉'), Buffer.from('🎉'), 'a surrogate pair is not an escape');
});

test('the inotify backend keeps a name that is not UTF-8 (parseEvents)', async () => {
  const { parseEvents } = await import('../src/backends/inotify.js');
  const name = Buffer.from([0x62, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]); // NUL-padded to 8, as the kernel does
  const header = Buffer.alloc(16); // struct inotify_event in host byte order: wd, mask, cookie, len
  const le = endianness() === 'LE';
  for (const [offset, value] of [
    [0, 3],
    [4, IN_CREATE],
    [12, name.length],
  ] as const) {
    if (le) header.writeUInt32LE(value, offset);
    else header.writeUInt32BE(value, offset);
  }
  const [event] = parseEvents(Buffer.concat([header, name]));
  assert.equal(event!.name, 'b\udcff');
  assert.deepEqual(fsEncode(event!.name), Buffer.from([0x62, 0xff]));
});
