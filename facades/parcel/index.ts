/**
 * `tswatch/parcel`: @parcel/watcher's API on tswatch's engine. Change the import, keep the code:
 * `import * as watcher from 'tswatch/parcel'` for `from '@parcel/watcher'`.
 */
import { resolve } from 'node:path';
import type { Options as ParcelOptions } from '@parcel/watcher';
import type { Event } from './event-list.js';
import { resolveOptions, type Options } from './options.js';
import { eventsSinceFile, writeSnapshotFile } from './snapshot-file.js';
import { Subscription, type SubscribeCallback } from './subscription.js';
import { watchmanParcel } from './watchman.js';

export type { Event, EventType } from './event-list.js';
export type { BackendType, Options } from './options.js';
export type { SubscribeCallback } from './subscription.js';

export interface AsyncSubscription {
  unsubscribe(): Promise<void>;
}

/** Live subscriptions, so that `unsubscribe(dir, fn, opts)` finds the one `subscribe` made. */
const live = new Set<{ sub: Subscription; key: string }>();

/** Call `fn(null, events)` with each batch of changes under `dir` (recursively); errors come as `fn(err, [])`. */
export async function subscribe(dir: string, fn: SubscribeCallback, opts?: Options): Promise<AsyncSubscription> {
  const watchman = watchmanParcel(opts);
  if (watchman) return watchman.subscribe(dir, fn, opts as ParcelOptions);
  const root = resolve(dir);
  const options = resolveOptions(root, opts);
  const sub = new Subscription(root, fn, options);
  const entry = { sub, key: options.key };
  live.add(entry);
  try {
    await sub.ready();
  } catch (err) {
    live.delete(entry);
    sub.close();
    throw err;
  }
  return {
    unsubscribe: async () => {
      live.delete(entry);
      sub.close();
    },
  };
}

/** Stop the subscription made with the same `dir`, `fn` and options. */
export async function unsubscribe(dir: string, fn: SubscribeCallback, opts?: Options): Promise<void> {
  const watchman = watchmanParcel(opts);
  if (watchman) return watchman.unsubscribe(dir, fn, opts as ParcelOptions);
  const root = resolve(dir);
  const { key } = resolveOptions(root, opts);
  for (const entry of live) {
    if (entry.sub.dir === root && entry.sub.fn === fn && entry.key === key) {
      live.delete(entry);
      entry.sub.close();
      return;
    }
  }
}

/** Record the state of the tree under `dir` in the file `snapshot`; resolves to the snapshot's path. */
export async function writeSnapshot(dir: string, snapshot: string, opts?: Options): Promise<string> {
  const watchman = watchmanParcel(opts);
  if (watchman) return watchman.writeSnapshot(dir, snapshot, opts as ParcelOptions);
  const root = resolve(dir);
  const file = resolve(snapshot);
  writeSnapshotFile(root, file, resolveOptions(root, opts));
  return file;
}

/** What changed under `dir` since `writeSnapshot(dir, snapshot)`, as one folded batch. */
export async function getEventsSince(dir: string, snapshot: string, opts?: Options): Promise<Event[]> {
  const watchman = watchmanParcel(opts);
  if (watchman) return watchman.getEventsSince(dir, snapshot, opts as ParcelOptions);
  const root = resolve(dir);
  return eventsSinceFile(root, resolve(snapshot), resolveOptions(root, opts));
}

/** `import watcher from '@parcel/watcher'` (its CommonJS exports as a default) keeps working after the swap. */
export default { subscribe, unsubscribe, writeSnapshot, getEventsSince };
