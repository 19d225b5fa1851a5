import assert from 'node:assert/strict';
import { test } from 'node:test';
import { argvCarries, nulRecords, RefusedNames } from '../../daemon/argv-names.js';
import { escapedName } from '../../src/index.js';
import { fsDecode } from '../../src/index.js';

const raw = (...bytes: number[]): string => fsDecode(Buffer.concat([Buffer.from('/w/name'), Buffer.from(bytes)]));

test('argv carries UTF-8 (a real U+FFFD, emoji) but not a byte kept as a lone surrogate', () => {
  assert.equal(argvCarries('/w/name\uFFFD 🎉'), true);
  assert.equal(argvCarries(raw(0xff)), false);
  assert.equal(argvCarries(raw(0xc3)), false, 'a truncated sequence');
  assert.equal(escapedName(raw(0xff)), '/w/name\\xff');
  assert.equal(escapedName(raw(0xed, 0xa0, 0x80)), '/w/name\\xed\\xa0\\x80');
});

test('nulRecords: the exact bytes of each path, NUL-terminated', () => {
  assert.deepEqual(
    nulRecords([raw(0xff), '/w/ok\uFFFD']),
    Buffer.concat([Buffer.from('/w/name'), Buffer.of(0xff, 0), Buffer.from('/w/ok\uFFFD'), Buffer.of(0)]),
  );
});

test('RefusedNames: every refusal counted, said once per directory', () => {
  const lines: string[] = [];
  const refused = new RefusedNames((line) => lines.push(line), 'REMEDY');
  refused.refuse(raw(0xff), '/w');
  refused.refuse(raw(0xfe), '/w');
  refused.refuse(fsDecode(Buffer.from([0x2f, 0x76, 0xff, 0x2f, 0x61])), fsDecode(Buffer.from([0x2f, 0x76, 0xff])));
  assert.equal(refused.count, 3);
  assert.equal(lines.length, 2);
  assert.match(lines[0]!, /^not run for '\/w\/name\\xff': its name is not UTF-8 .* in '\/w' .*'refused' in status\. REMEDY$/);
  assert.match(lines[1]!, /^not run for '\/v\\xff\/a'.* in '\/v\\xff'/);
});
