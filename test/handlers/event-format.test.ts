import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileFormat } from '../../handlers/event-format.js';
import { Event, IN_CREATE } from '../../src/index.js';

const event = new Event({ wd: 1, mask: IN_CREATE, name: 'f', path: '/w' });

test('a --format without %T never asks for the time (no Date per event in a burst)', () => {
  const format = compileFormat('%e %w%f %c %0%n%%', undefined);
  const line = format(event, () => assert.fail('the time was asked for'));
  assert.equal(line, 'CREATE /w/f 0 \0\n%');
});

test('a --format with %T asks for the time once per event: every %T of a line shows the same time', () => {
  const format = compileFormat('%T %f %T', '%s');
  let asked = 0;
  const line = format(event, () => new Date(1_000_000 + 1000 * asked++));
  assert.equal(line, '1000 f 1000');
  assert.equal(asked, 1);
});
