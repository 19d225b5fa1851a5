import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventList } from '../../../facades/parcel/event-list.js';

test('EventList folds per path as parcel does and sorts by code unit, not locale', () => {
  const list = new EventList();
  list.create('/b');
  list.update('/b'); // created then changed: a create
  list.create('/gone');
  list.remove('/gone'); // lived and died: nothing
  list.remove('/back');
  list.create('/back'); // deleted then created: an update
  list.update('/chg');
  list.remove('/chg'); // changed then deleted: a delete
  list.create('/B');
  assert.deepEqual(list.take(), [
    { type: 'create', path: '/B' },
    { type: 'create', path: '/b' },
    { type: 'update', path: '/back' },
    { type: 'delete', path: '/chg' },
  ]);
  assert.equal(list.size, 0);
});
