import type { Stats } from 'node:fs';

export type EventName = 'add' | 'addDir' | 'change' | 'unlink' | 'unlinkDir';
export type EmitArgs = [path: string, stats?: Stats];

/** What `raw` carries besides the kernel's event name and path: a paired rename's source is `from`. */
export interface RawDetails {
  watchedPath: string;
  mask: number;
  cookie: number;
  from?: string;
}

/** chokidar 5's events and their arguments, for typed listeners. */
export interface FSWatcherEventMap {
  add: EmitArgs;
  addDir: EmitArgs;
  change: EmitArgs;
  unlink: EmitArgs;
  unlinkDir: EmitArgs;
  all: [event: EventName, path: string, stats?: Stats];
  ready: [];
  raw: [event: string, path: string, details: RawDetails];
  error: [error: unknown];
}
