import { createWriteStream, openSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { loadHandlerModule } from '../handlers/handler-module.js';
import { LineWriter } from '../handlers/line-writer.js';
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
} from '../src/index.js';
import type { FleetPublisher } from '../recipes/fleet/index.js';
import { InotifyBackend } from '../src/backends/inotify.js';
import { handOverDaemon, inheritedInotify, isDaemonChild, reportDaemonReady, startDaemon } from './daemon.js';
import type { RunOptions } from './options.js';
import { syslogStream } from './syslog.js';
import { EXIT } from './exit-status.js';
import { setLongTimeout } from './timeout.js';
import { holdYoungGeneration } from './young-generation.js';

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
  // -s: messages to syslog. A daemon (-d implies -s) says its set-up in syslog too, as inotifywait; an
  // error before it watches goes to stderr, relayed by the foreground process, which then exits 1.
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
  const { FleetPublisher } = await import('../recipes/fleet/index.js');
  return FleetPublisher.open(options.fleet, (text) => messages.write(`tswatch: ${text}\n`));
}

async function watch(options: RunOptions, io: CliIO, messages: Writable): Promise<number> {
  const handler: Handler | undefined =
    options.handler === undefined
      ? undefined
      : await loadHandlerModule(resolve(options.handler), { where: `--handler: '${options.handler}'` });
  const notices = options.daemon ? syslogStream() : messages;
  const inherited = inheritedInotify(); // the daemon, handed its watches: they were announced already
  const say = (text: string): void => void (options.quiet === 0 && inherited === undefined && notices.write(`${text}\n`));
  const daemonParent = options.daemon && !isDaemonChild();
  say(options.recursive ? 'Setting up watches.  Beware: since -r was given, this may take a while!' : 'Setting up watches.');
  // Opened now: an outfile that cannot be written is an error before anything is watched.
  const out = options.outfile === undefined ? io.stdout : createWriteStream('', { fd: openOutfile(options.outfile) });
  const fleet = daemonParent ? undefined : await openFleet(options, messages);
  const releaseYoung = options.recursive ? holdYoungGeneration() : undefined; // for the walk (see there)
  const wm = new WatchManager(inherited && { backend: new InotifyBackend(undefined, { fd: inherited.fd }), inherited: true });
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
  if (inherited !== undefined) wm.adoptState(inherited.state);
  if (daemonParent) {
    if (out !== io.stdout) out.end();
    if (wm.backend instanceof InotifyBackend) {
      // Watching now; the background copy takes over this inotify fd (not closed here: closing the
      // WatchManager would remove the watches it shares).
      say('Watches established.');
      return handOverDaemon(wm.backend.fd, wm.exportState());
    }
    wm.close();
    return startDaemon(io.stderr);
  }

  let events = 0;
  let timedOut = false;
  let gone = false;
  let timer: { clear(): void } | undefined;
  // -t counts from the last event. One timer, pushed on only when it fires: re-arming it on every event
  // of a burst costs more than printing the event.
  let lastEvent = 0;
  const expire = (): void => {
    const left = lastEvent + options.timeoutMs - performance.now();
    if (left > 0) timer = setLongTimeout(expire, left);
    else {
      timedOut = true;
      notifier.stop();
    }
  };
  const armTimeout = (): void => {
    if (options.timeoutMs === 0) return;
    lastEvent = performance.now();
    if (timer === undefined) timer = setLongTimeout(expire, options.timeoutMs);
  };
  const writer = new LineWriter(out, () => notifier.stop());
  const now = (): Date => new Date(); // asked by the format only when it shows the time
  const notifier = new Notifier(
    wm,
    (event: Event) => {
      // inotifywait prints neither; tswatch says on stderr that it is recovering what the kernel dropped.
      // A --handler gets both, as pyinotify's process_IN_IGNORED / process_IN_Q_OVERFLOW would.
      if (event.mask & (IN_IGNORED | IN_Q_OVERFLOW)) {
        if (event.mask & IN_Q_OVERFLOW)
          messages.write('tswatch: the kernel event queue overflowed; rescanning, missed creates and deletes follow\n');
        return handler === undefined ? undefined : callHandler(handler, event);
      }
      // IN_UNMOUNT comes whatever the mask: printed only when asked for (-e unmount), as inotifywait.
      if ((event.mask & options.mask) === 0) return handler === undefined ? undefined : callHandler(handler, event);
      if (!options.accept(event)) return undefined;
      if (!options.monitor && events > 0) return undefined; // only the first event, even within one read
      events++;
      fleet?.publish(event);
      if (options.quiet < 2 && handler === undefined) writer.push(options.format(event, now));
      if (!options.monitor) notifier.stop();
      else armTimeout();
      return handler === undefined ? undefined : callHandler(handler, event);
    },
    { stateFile: options.stateFile, settle: options.settleMs },
  );
  notifier.on('error', (err: Error, event?: Event) =>
    messages.write(
      `tswatch: ${event ? `handling ${event}: ` : ''}${err instanceof TswatchError ? err.describe() : (err.stack ?? err.message)}\n`,
    ),
  );
  await notifier.ready();
  releaseYoung?.(wm.size);
  // With --state or --sink, Ctrl-C and `kill` end the loop cleanly: the state is saved (nothing is
  // reported twice next time) and the outbox gets its chance to drain. Caught before "Watches
  // established." is said: a script that signals as soon as it reads that line must not kill us.
  const onSignal = (): void => notifier.stop();
  const stopOnSignal = options.stateFile !== undefined || fleet !== undefined;
  if (stopOnSignal) for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, onSignal);
  say('Watches established.');
  if (isDaemonChild()) {
    reportDaemonReady();
    messages = notices;
  }
  armTimeout();
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
  timer?.clear();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.off(signal, onSignal);
  writer.flush();
  if (fleet !== undefined)
    await (await import('../recipes/fleet/fleet-settings.js')).closeFleet(fleet, (text) => messages.write(`tswatch: ${text}\n`));
  if (out !== io.stdout) await new Promise((resolve) => out.end(resolve));
  // -m would wait forever in inotifywait: say why tswatch ends. A one-shot wait ends silently there too.
  if (gone && options.monitor) say('Every watched path is gone (deleted or unmounted): nothing more to watch.');
  if (timedOut) return EXIT.timeout; // with -m too, even after events, as inotifywait
  return gone && events === 0 ? EXIT.error : EXIT.event;
}
