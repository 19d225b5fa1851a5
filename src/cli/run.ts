import { createWriteStream, openSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { loadHandlerModule } from '../../handlers/handler-module.js';
import { LineWriter } from '../../handlers/line-writer.js';
import {
  callHandler,
  checkWatchBudget,
  type Event,
  type Handler,
  IN_IGNORED,
  IN_Q_OVERFLOW,
  Notifier,
  TswatchError,
  watchBudget,
  WatchLimitError,
  WatchManager,
} from '../index.js';
import type { FleetPublisher } from '../../recipes/fleet/index.js';
import { isDaemonChild, reportDaemonReady, startDaemon } from './daemon.js';
import type { RunOptions } from './options.js';
import { syslogStream } from './syslog.js';
import { EXIT } from './exit-status.js';

export { EXIT };

export interface CliIO {
  stdout: Writable;
  stderr: Writable;
}


function openOutfile(file: string): number {
  try {
    return openSync(file, 'a');
  } catch (err) {
    throw new TswatchError(`--outfile: cannot open '${file}' for appending: ${(err as Error).message}`, {
      code: (err as NodeJS.ErrnoException).code ?? 'EIO',
      path: file,
      hint: 'give a file in an existing directory you can write to',
    });
  }
}

/** `--budget`: say what watching would take, watch nothing. */
function printBudget(options: RunOptions, io: CliIO): number {
  const budget = watchBudget(options.paths, options.recursive, options.skipDir);
  const free = budget.limit === undefined ? undefined : Math.max(0, budget.limit - budget.inUse);
  io.stdout.write(
    `${budget.needed} watches needed; fs.inotify.max_user_watches = ${budget.limit ?? 'unknown'}, ` +
      `${budget.inUse} in use by this user, ${free ?? 'unknown'} free\n`,
  );
  checkWatchBudget(budget);
  return EXIT.event;
}

/** Watch as the options say and print events; resolves to the exit status. */
export async function run(options: RunOptions, io: CliIO): Promise<number> {
  if (options.budgetOnly) return printBudget(options, io);
  if (options.daemon && !isDaemonChild()) return startDaemon(io.stderr);
  // -s: messages to syslog. A daemon says its set-up on stderr (relayed by the parent), then syslogs.
  const syslog = options.syslog && !options.daemon;
  const messages: Writable = syslog ? syslogStream() : io.stderr;
  try {
    return await watch(options, io, messages);
  } catch (err) {
    if (!syslog || !(err instanceof TswatchError)) throw err;
    messages.write(`tswatch: ${err.describe()}\n`);
    return EXIT.error;
  }
}

async function openFleet(options: RunOptions, messages: Writable): Promise<FleetPublisher | undefined> {
  if (options.fleet === undefined) return undefined;
  const { FleetPublisher } = await import('../../recipes/fleet/index.js');
  return FleetPublisher.open(options.fleet, (text) => messages.write(`tswatch: ${text}\n`));
}

async function watch(options: RunOptions, io: CliIO, messages: Writable): Promise<number> {
  const handler: Handler | undefined = options.handler === undefined ? undefined : await loadHandlerModule(resolve(options.handler), { where: `--handler: '${options.handler}'` });
  const say = (text: string): void => void (options.quiet === 0 && messages.write(`${text}\n`));
  say(options.recursive ? 'Setting up watches.  Beware: since -r was given, this may take a while!' : 'Setting up watches.');
  // Opened now: an outfile that cannot be written is an error before anything is watched.
  const out = options.outfile === undefined ? io.stdout : createWriteStream('', { fd: openOutfile(options.outfile) });
  const fleet = await openFleet(options, messages);
  const wm = new WatchManager();
  try {
    const wds = wm.addWatch(options.paths, options.mask, {
      rec: options.recursive,
      autoAdd: options.recursive,
      quiet: false,
      excludeFilter: options.skipDir,
    });
    // Directories below that could not be watched (unreadable): the rest is, and these are named.
    for (const [path, wd] of Object.entries(wds)) {
      if (wd < 0) messages.write(`tswatch: not watching ${wm.errors.get(path)?.describe() ?? path}\n`);
    }
  } catch (err) {
    wm.close();
    await fleet?.close(0);
    // The limit, hit half-way through a tree (or a long --fromfile list): with every watch released,
    // say what the whole would take. Counted only now, so a tree that fits is walked once, not twice.
    if (err instanceof WatchLimitError) checkWatchBudget(watchBudget(options.paths, options.recursive, options.skipDir));
    throw err;
  }

  let events = 0;
  let timedOut = false;
  let gone = false;
  let timer: NodeJS.Timeout | undefined;
  // -t counts from the last event. One timer, pushed on only when it fires: re-arming it on every event
  // of a burst costs more than printing the event.
  let lastEvent = 0;
  const expire = (): void => {
    const left = lastEvent + options.timeoutMs - performance.now();
    if (left > 0) timer = setTimeout(expire, left);
    else {
      timedOut = true;
      notifier.stop();
    }
  };
  const armTimeout = (): void => {
    if (options.timeoutMs === 0) return;
    lastEvent = performance.now();
    if (timer === undefined) timer = setTimeout(expire, options.timeoutMs);
  };
  const writer = new LineWriter(out, () => notifier.stop());
  const notifier = new Notifier(wm, (event: Event) => {
    // inotifywait prints neither; tswatch says on stderr that it is recovering what the kernel dropped.
    // A --handler gets both, as pyinotify's process_IN_IGNORED / process_IN_Q_OVERFLOW would.
    if (event.mask & (IN_IGNORED | IN_Q_OVERFLOW)) {
      if (event.mask & IN_Q_OVERFLOW) messages.write('tswatch: the kernel event queue overflowed; rescanning, missed creates and deletes follow\n');
      return handler === undefined ? undefined : callHandler(handler, event);
    }
    if (!options.accept(event)) return undefined;
    if (!options.monitor && events > 0) return undefined; // only the first event, even within one read
    events++;
    fleet?.publish(event);
    if (options.quiet < 2 && handler === undefined) writer.push(options.format(event, new Date()));
    if (!options.monitor) notifier.stop();
    else armTimeout();
    return handler === undefined ? undefined : callHandler(handler, event);
  }, { stateFile: options.stateFile, settle: options.settleMs });
  notifier.on('error', (err: Error, event?: Event) =>
    messages.write(`tswatch: ${event ? `handling ${event}: ` : ''}${err instanceof TswatchError ? err.describe() : (err.stack ?? err.message)}\n`),
  );
  await notifier.ready();
  say('Watches established.');
  if (isDaemonChild()) {
    reportDaemonReady();
    messages = syslogStream();
  }
  armTimeout();
  // With --state or --sink, Ctrl-C and `kill` end the loop cleanly: the state is saved (nothing is
  // reported twice next time) and the outbox gets its chance to drain.
  const onSignal = (): void => notifier.stop();
  const stopOnSignal = options.stateFile !== undefined || fleet !== undefined;
  if (stopOnSignal) for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, onSignal);
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
  if (fleet !== undefined) await (await import('../../recipes/fleet/fleet-settings.js')).closeFleet(fleet, (text) => messages.write(`tswatch: ${text}\n`));
  if (out !== io.stdout) await new Promise((resolve) => out.end(resolve));
  if (gone) say('Every watched path is gone (deleted or unmounted): nothing more to watch.');
  if (timedOut) return EXIT.timeout; // with -m too, even after events, as inotifywait
  return gone && events === 0 ? EXIT.error : EXIT.event;
}
