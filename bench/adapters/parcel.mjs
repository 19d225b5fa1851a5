// @parcel/watcher: one recursive subscription; it has no move events (delete + create) and batches.
// Its inotify backend, named: left to choose, it would use a watchman on PATH, another tool's figures.
import watcher from '@parcel/watcher';
import { emit, ready } from './out.mjs';

const KIND = { create: 'CREATE', update: 'WRITE', delete: 'DELETE' };
await watcher.subscribe(
  process.argv[2],
  (err, events) => {
    if (err) emit(/overflow/i.test(err.message) ? 'OVERFLOW' : `ERROR ${err.message.replace(/\n/g, ' ')}`);
    for (const e of events ?? []) emit(`${KIND[e.type]} ${e.path}`);
  },
  { backend: 'inotify' },
);
ready();
