# pyinotify (Debian python3-pyinotify): rec + auto_add, moves paired by pyinotify (src_pathname).
import sys
import pyinotify

out = sys.stdout
MASK = (pyinotify.IN_CREATE | pyinotify.IN_DELETE | pyinotify.IN_MOVED_FROM
        | pyinotify.IN_MOVED_TO | pyinotify.IN_CLOSE_WRITE)


class Printer(pyinotify.ProcessEvent):
    def process_IN_CREATE(self, e): out.write('CREATE %s\n' % e.pathname)
    def process_IN_DELETE(self, e): out.write('DELETE %s\n' % e.pathname)
    def process_IN_CLOSE_WRITE(self, e): out.write('WRITE %s\n' % e.pathname)
    def process_IN_MOVED_FROM(self, e): out.write('MOVED_FROM %s\n' % e.pathname)

    def process_IN_MOVED_TO(self, e):
        src = getattr(e, 'src_pathname', None)
        out.write('MOVE %s -> %s\n' % (src, e.pathname) if src else 'MOVED_TO %s\n' % e.pathname)

    def process_IN_Q_OVERFLOW(self, e): out.write('OVERFLOW\n')
    def process_default(self, e): pass


wm = pyinotify.WatchManager()
wm.add_watch(sys.argv[1], MASK, rec=True, auto_add=True)
notifier = pyinotify.Notifier(wm, Printer())
out.write('READY\n')
out.flush()
# The loop callback runs once per read batch: one flush per batch, like the Node adapters.
notifier.loop(callback=lambda n: out.flush())
