import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ereToRegExp } from '../src/posix-ere.js';

test('POSIX ERE constructs translate to JavaScript with the same matches', () => {
  const cases: Array<[string, string[], string[]]> = [
    ['[[:digit:]]+\\.log$', ['a/12.log'], ['a/x.log', 'a/1.logs']],
    ['[]x]', [']', 'x'], ['y']],
    ['[^]x]', ['y'], [']', 'x']],
    ['[a\\]', ['\\', 'a'], ['b']],
    ['a{,2}b$', ['b', 'aab'], []],
    ['\\<tmp\\>', ['/x/tmp/y'], ['/x/tmpfile']],
    ['(\\.swp|~)$', ['f.swp', 'f~'], ['f.swpx']],
    ['\\.', ['.'], ['x']],
    ['[[:upper:]][[:lower:]]', ['Ab'], ['AB', 'ab']],
    ['a/b', ['a/b'], ['ab']],
  ];
  for (const [pattern, yes, no] of cases) {
    const regex = ereToRegExp(pattern, '--exclude', false);
    for (const s of yes) assert.ok(regex.test(s), `${pattern} matches ${s}`);
    for (const s of no) assert.ok(!regex.test(s), `${pattern} does not match ${s}`);
  }
  assert.ok(ereToRegExp('ABC', '--excludei', true).test('xabcx'));
});

test('what cannot be translated faithfully is refused with the flag and the reason', () => {
  assert.throws(
    () => ereToRegExp('(?=a)', '--exclude', false),
    /--exclude: '\(\?=a\)' is not a POSIX extended regular expression: '\(\?' is not ERE syntax/,
  );
  assert.throws(() => ereToRegExp('[[=a=]]', '--include', false), /locale collation/);
  assert.throws(() => ereToRegExp('[[:word:]]', '--include', false), /unknown class \[:word:\]/);
  assert.throws(() => ereToRegExp('[abc', '--exclude', false), /unterminated '\['/);
  assert.throws(() => ereToRegExp('*a', '--exclude', false), /Nothing to repeat/);
  assert.throws(() => ereToRegExp('a\\', '--exclude', false), /trailing backslash/);
});
