import type { Writable } from 'node:stream';
import { inotifywaitLine } from '../../handlers/inotifywait-line.js';
import { LineWriter } from '../../handlers/line-writer.js';
import { type Event, IN_IGNORED, IN_Q_OVERFLOW, Notifier, TswatchError, WatchManager } from '../index.js';
import type { RunOptions } from './options.js';

export interface CliIO {
  stdout: Writable;
  stderr: Writable;
}

/** inotifywait's status codes. */
export const EXIT = { event: 0, error: 1, timeout: 2 } as const;

/** Watch as the options say and print events; resolves to the exit status. */
export async function run(options: RunOptions, io: CliIO): Promise<number> {
  const say = (text: string): void => void (options.quiet === 0 && io.stderr.write(`${text}\n`));
  say(options.recursive ? 'Setting up watches.  Beware: since -r was given, this may take a while!' : 'Setting up watches.');
  const wm = new WatchManager();
  try {
    wm.addWatch(options.paths, options.mask, { rec: options.recursive, autoAdd: options.recursive, quiet: false });
  } catch (err) {
    wm.close();
    throw err;
  }

  let events = 0;
  let timedOut = false;
  let gone = false;
  let timer: NodeJS.Timeout | undefined;
  const armTimeout = (): void => {
    if (options.timeoutMs === 0) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      notifier.stop();
    }, options.timeoutMs);
  };
  const writer = new LineWriter(io.stdout, () => notifier.stop());
  const notifier = new Notifier(wm, (event: Event) => {
    // inotifywait prints neither; tswatch says on stderr that it is recovering what the kernel dropped.
    if (event.mask & IN_IGNORED) return;
    if (event.mask & IN_Q_OVERFLOW) {
      io.stderr.write('tswatch: the kernel event queue overflowed; rescanning, missed creates and deletes follow\n');
      return;
    }
    if (!options.monitor && events > 0) return; // only the first event, even within one read
    events++;
    if (options.quiet < 2) writer.push(inotifywaitLine(event));
    if (!options.monitor) notifier.stop();
    else armTimeout();
  }, { stateFile: options.stateFile, settle: options.settleMs });
  notifier.on('error', (err: Error) => io.stderr.write(`tswatch: ${err instanceof TswatchError ? err.describe() : err.message}\n`));
  await notifier.ready();
  say('Watches established.');
  armTimeout();
  // With --state, Ctrl-C and `kill` stop cleanly: the state is saved, so nothing is reported twice.
  const onSignal = (): void => notifier.stop();
  if (options.stateFile !== undefined) for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, onSignal);
  notifier.start(); // with --state, what changed while not running is printed now, before live events
  writer.flush();
  await notifier.loop({
    callback: () => {
      writer.flush();
      // Every watched path is gone (deleted, unmounted): nothing more can come. inotifywait -m would
      // hang on forever here.
      if (wm.size === 0 && notifier.running) {
        gone = true;
        return true;
      }
      return undefined;
    },
  });
  clearTimeout(timer);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.off(signal, onSignal);
  writer.flush();
  if (gone) say('Every watched path is gone (deleted or unmounted): nothing more to watch.');
  if (timedOut && events === 0) return EXIT.timeout;
  return gone && events === 0 ? EXIT.error : EXIT.event;
}
