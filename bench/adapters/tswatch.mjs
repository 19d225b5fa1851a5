// tswatch through its pyinotify-style public API (the compiled dist/, built by `npm run build`).
import {
  WatchManager,
  Notifier,
  ProcessEvent,
  IN_CREATE,
  IN_DELETE,
  IN_MOVED_FROM,
  IN_MOVED_TO,
  IN_CLOSE_WRITE,
} from '../../dist/src/index.js';
import { emit, ready } from './out.mjs';

class Printer extends ProcessEvent {
  process_IN_CREATE(e) {
    emit(`CREATE ${e.pathname}`);
  }
  process_IN_DELETE(e) {
    emit(`DELETE ${e.pathname}`);
  }
  process_IN_CLOSE_WRITE(e) {
    emit(`WRITE ${e.pathname}`);
  }
  process_IN_MOVED_FROM(e) {
    emit(`MOVED_FROM ${e.pathname}`);
  }
  process_IN_MOVED_TO(e) {
    emit(e.src_pathname ? `MOVE ${e.src_pathname} -> ${e.pathname}` : `MOVED_TO ${e.pathname}`);
  }
  process_IN_Q_OVERFLOW() {
    emit('OVERFLOW');
  }
  process_default() {}
}

const wm = new WatchManager();
wm.addWatch(process.argv[2], IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_CLOSE_WRITE, {
  rec: true,
  autoAdd: true,
});
const notifier = new Notifier(wm, new Printer());
const done = notifier.loop();
ready();
await done; // the harness ends every adapter with SIGTERM's default action
