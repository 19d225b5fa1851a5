/**
 * A pyinotify-style handler for `tswatch --handler`: one line per finished write, rename and delete.
 *
 *   tswatch --handler handlers/examples/log-changes.ts -r ~/src      (TypeScript, through tsx)
 *   tswatch --handler dist/handlers/examples/log-changes.js -r ~/src (compiled)
 */
import { type Event, ProcessEvent } from '../../src/index.js';

export default class LogChanges extends ProcessEvent {
  override process_IN_CLOSE_WRITE(event: Event): void {
    console.log(`written: ${event.pathname}`);
  }

  override process_IN_MOVED_TO(event: Event): void {
    console.log(event.src_pathname === undefined ? `moved in: ${event.pathname}` : `renamed: ${event.src_pathname} -> ${event.pathname}`);
  }

  override process_IN_DELETE(event: Event): void {
    console.log(`deleted: ${event.pathname}${event.dir ? '/' : ''}`);
  }
}
