import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ALL_EVENTS,
  CLI_EVENTS,
  IN_CLOSE,
  IN_CLOSE_WRITE,
  IN_CREATE,
  IN_DELETE,
  IN_ISDIR,
  IN_MOVE,
  IN_ONESHOT,
  inotifywaitNames,
  maskname,
  parseEventList,
  TswatchError,
} from '../src/index.js';

test('parseEventList: comma lists, repeats, kernel names, any case', () => {
  assert.equal(parseEventList('create,delete'), IN_CREATE | IN_DELETE);
  assert.equal(parseEventList(['create', 'CLOSE_WRITE', 'in_delete']), IN_CREATE | IN_CLOSE_WRITE | IN_DELETE);
  assert.equal(parseEventList('all'), ALL_EVENTS);
  assert.equal(parseEventList('close'), IN_CLOSE);
  assert.equal(parseEventList('move'), IN_MOVE);
});

test('parseEventList: an unknown name is named, with every valid name listed', () => {
  assert.throws(
    () => parseEventList('create,bogus'),
    (err: unknown) =>
      err instanceof TswatchError &&
      err.message === "unknown event name 'bogus'" &&
      Object.keys(CLI_EVENTS).every((name) => err.hint!.includes(name)),
  );
});

test('maskname and inotifywait names', () => {
  assert.equal(maskname(IN_CREATE | IN_ISDIR), 'IN_CREATE|IN_ISDIR');
  assert.equal(inotifywaitNames(IN_CLOSE_WRITE), 'CLOSE_WRITE,CLOSE');
  assert.equal(inotifywaitNames(IN_CREATE | IN_ISDIR), 'CREATE,ISDIR');
  assert.equal(IN_ONESHOT >>> 0, 0x80000000);
});
