/**
 * A watchdog-style handler for `tswatch --handler`: an object of on_* functions, called with watchdog's
 * event fields (event_type, src_path, dest_path, is_directory, is_synthetic). Here: keep a running
 * count of created files per extension and print it as it changes.
 *
 *   tswatch --handler dist/handlers/examples/watchdog-style.js -r ~/Downloads
 */
import { extname } from 'node:path';
import type { WatchdogEvent } from '../watchdog-adapter.js';

const counts = new Map<string, number>();

export function on_created(event: WatchdogEvent): void {
  if (event.is_directory) return;
  const ext = extname(event.src_path) || '(none)';
  counts.set(ext, (counts.get(ext) ?? 0) + 1);
  console.log(`created ${event.src_path} (${[...counts].map(([e, n]) => `${e}: ${n}`).join(', ')})`);
}

export function on_moved(event: WatchdogEvent): void {
  console.log(`moved ${event.src_path} -> ${event.dest_path}`);
}
