import type { Stats } from 'node:fs';
import { after } from 'node:test';
import { type ChokidarOptions, type FSWatcher, watch } from '../../../facades/chokidar/index.js';
import { waitFor } from '../../helpers/wait-for.js';

export interface Seen {
  event: string;
  path: string;
  stats: Stats | undefined;
}

/** A watcher whose events are recorded from the start; closed when the test file ends. */
export interface Recorded {
  watcher: FSWatcher;
  seen: Seen[];
  errors: unknown[];
  ready: Promise<void>;
  /** `event path` lines, in order. */
  lines(): string[];
  /** Resolves once `event path` was seen (`count` times). */
  until(event: string, path: string, count?: number): Promise<void>;
}

export function record(paths: string | string[], options: ChokidarOptions = {}): Recorded {
  const watcher = watch(paths, options);
  after(() => watcher.close());
  const seen: Seen[] = [];
  const errors: unknown[] = [];
  watcher.on('all', (event, path, stats) => void seen.push({ event, path, stats }));
  watcher.on('error', (err) => void errors.push(err));
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  const lines = (): string[] => seen.map((s) => `${s.event} ${s.path}`);
  return {
    watcher,
    seen,
    errors,
    ready,
    lines,
    until: async (event, path, count = 1) => {
      await waitFor(
        () => seen.filter((s) => s.event === event && s.path === path).length >= count,
        () => `${count}× '${event} ${path}' (seen: ${lines().join(', ')})`,
      );
    },
  };
}

/** Both ways the facade reads the filesystem: the kernel (inotify) and polling (`usePolling`). */
export const MODES: Array<{ name: string; options: ChokidarOptions }> = [
  { name: 'inotify', options: {} },
  { name: 'polling', options: { usePolling: true, interval: 10 } },
];

export function count(rec: Recorded, event: string, path: string): number {
  return rec.seen.filter((s) => s.event === event && s.path === path).length;
}
