# watchdog (Debian python3-watchdog): a recursive Observer (inotify emitter); moves come paired.
import sys
import time
from watchdog.events import FileSystemEventHandler
from watchdog.observers import Observer

out = sys.stdout


class Printer(FileSystemEventHandler):
    def dispatch(self, e):
        t = e.event_type
        if t == 'created':
            out.write('CREATE %s\n' % e.src_path)
        elif t == 'deleted':
            out.write('DELETE %s\n' % e.src_path)
        elif t == 'moved':
            out.write('MOVE %s -> %s\n' % (e.src_path, e.dest_path))
        elif t in ('closed', 'modified') and not e.is_directory:
            out.write('WRITE %s\n' % e.src_path)
        # Flush once the observer's queue is drained: one write per batch, like the other adapters.
        if observer.event_queue.empty():
            out.flush()


observer = Observer()
observer.schedule(Printer(), sys.argv[1], recursive=True)
observer.start()
out.write('READY\n')
out.flush()
try:
    while observer.is_alive():
        time.sleep(1)
finally:
    observer.stop()
