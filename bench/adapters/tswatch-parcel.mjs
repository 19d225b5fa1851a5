// tswatch/parcel: adapters/parcel.mjs with its import changed, nothing else (the facade's promise).
import watcher from 'tswatch/parcel';
import { emit, ready } from './out.mjs';

const KIND = { create: 'CREATE', update: 'WRITE', delete: 'DELETE' };
await watcher.subscribe(process.argv[2], (err, events) => {
  if (err) emit(/overflow/i.test(err.message) ? 'OVERFLOW' : `ERROR ${err.message.replace(/\n/g, ' ')}`);
  for (const e of events ?? []) emit(`${KIND[e.type]} ${e.path}`);
});
ready();
