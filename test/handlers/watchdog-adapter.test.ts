import assert from 'node:assert/strict';
import { test } from 'node:test';
import { watchdogHandler, type WatchdogEvent } from '../../handlers/watchdog-adapter.js';
import { Event, IN_CLOSE_WRITE, IN_CREATE, IN_ISDIR, IN_MODIFY, IN_MOVED_FROM, IN_MOVED_TO } from '../../src/index.js';
import { waitFor } from '../helpers/wait-for.js';

const ev = (mask: number, name: string, extra: Partial<ConstructorParameters<typeof Event>[0]> = {}) =>
  new Event({ wd: 1, mask, name, path: '/w', cookie: mask & (IN_MOVED_FROM | IN_MOVED_TO) ? 7 : 0, ...extra });

test('watchdog hooks: created, modified, closed, moved (paired), on_any_event first', async () => {
  const seen: string[] = [];
  const hooks = {
    on_any_event: (e: WatchdogEvent) => void seen.push(`any:${e.event_type}`),
    on_created: (e: WatchdogEvent) => void seen.push(`created ${e.src_path} dir=${e.is_directory}`),
    on_modified: (e: WatchdogEvent) => void seen.push(`modified ${e.src_path}`),
    on_closed: (e: WatchdogEvent) => void seen.push(`closed ${e.src_path}`),
    on_moved: (e: WatchdogEvent) => void seen.push(`moved ${e.src_path} -> ${e.dest_path}`),
    on_deleted: (e: WatchdogEvent) => void seen.push(`deleted ${e.src_path}`),
  };
  const handle = watchdogHandler(hooks);
  for (const event of [
    ev(IN_CREATE | IN_ISDIR, 'd'),
    ev(IN_MODIFY, 'f'),
    ev(IN_CLOSE_WRITE, 'f'),
    ev(IN_MOVED_FROM, 'f'),
    ev(IN_MOVED_TO, 'g', { src_pathname: '/w/f' }),
    ev(IN_MOVED_TO, 'in'),
  ])
    await handle(event);
  assert.deepEqual(seen, [
    'any:created',
    'created /w/d dir=true',
    'any:modified',
    'modified /w/f',
    'any:closed',
    'closed /w/f',
    'any:moved',
    'moved /w/f -> /w/g',
    'any:created',
    'created /w/in dir=false',
  ]);
});

test('a move out of the tree (no IN_MOVED_TO) becomes on_deleted, after a short wait', async () => {
  const deleted: string[] = [];
  const handle = watchdogHandler({ on_deleted: (e: WatchdogEvent) => void deleted.push(e.src_path) });
  await handle(ev(IN_MOVED_FROM, 'out'));
  assert.deepEqual(deleted, [], 'not before its pair has had time to come');
  await waitFor(() => deleted.length > 0, 'on_deleted for the moved-out file');
  assert.deepEqual(deleted, ['/w/out']);
});
