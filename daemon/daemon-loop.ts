import { TswatchError } from '../src/index.js';
import { type ApplyResult, AutomationEngine, type WatchDefinition } from './automation-engine.js';
import type { SinkStatus } from '../recipes/fleet/index.js';
import type { Log } from './action.js';
import type { QueuedJournal } from './queued-journal.js';
import type { OutputSink } from './process-group.js';
import type { UnitIO, UnitStatus } from './watch-unit.js';

/** What the loop is asked to do: a signal received, a control request, a watch that gave up. */
export type Request =
  | { kind: 'signal'; signal: NodeJS.Signals }
  | { kind: 'fatal'; name: string; code: number; why: string }
  | { kind: 'control'; command: ControlCommand; name?: string | undefined; reply: (result: ControlReply) => void };

export type ControlCommand = 'status' | 'reload' | 'stop' | 'pause' | 'resume';
export type ControlReply = { ok: true; message?: string; status?: UnitStatus[]; sinks?: SinkStatus[] } | { ok: false; error: string };

export interface DaemonLoopOptions {
  /** The watches to run (and the drain timeout, if set): called at start and on each reload (SIGHUP, `ctl reload`). Throws on a bad config. */
  load: () => Promise<{ watches: WatchDefinition[]; drainTimeoutMs?: number | undefined; onDrainTimeout?: 'keep' | 'drop' | undefined }>;
  /** Where a stop keeps the queued events its drain timeout left, for the next start (beside the pidfile). */
  journal?: QueuedJournal;
  baseDir: string;
  log: Log;
  output: OutputSink;
  /** Per watch, on stop or reload, how long to finish triggered work before signalling commands. */
  drainTimeoutMs?: number;
  /** Stop everything when one watch's action gives up, with its status (foreground `tswatch restart`). */
  exitOnFatal?: boolean;
  /** Reload on SIGHUP (a config file); without one SIGHUP stops, as for any foreground command. */
  reloadable?: boolean;
  /** Reopen the log (SIGUSR1, after logrotate moved it). */
  reopenLog?: () => void;
  /** Sees every event the watches select (the web page's live tail). */
  observe?: UnitIO['observe'];
  /** Sends the watches' events to the sinks (see WatchDefinition.publish). */
  publish?: UnitIO['publish'];
  /** The sinks' counters, for `status`. */
  sinks?: () => SinkStatus[];
  /** Called once the watches run, with a way to queue control requests (the control socket). */
  onReady?: (submit: (request: Request) => void, engine: AutomationEngine) => void | Promise<void>;
}

const SIGNALS: NodeJS.Signals[] = ['SIGHUP', 'SIGTERM', 'SIGINT', 'SIGUSR1'];

/**
 * The main loop of `tswatch daemon` and the foreground commands. Signal handlers only queue a request;
 * the loop takes them one at a time, so a reload never races a stop and nothing runs inside a handler.
 * Resolves with the exit status.
 */
export async function daemonLoop(options: DaemonLoopOptions): Promise<number> {
  const queue: Request[] = [];
  let wake: (() => void) | undefined;
  const submit = (request: Request): void => {
    queue.push(request);
    wake?.();
  };
  const onSignal = (signal: NodeJS.Signals): void => submit({ kind: 'signal', signal });
  for (const signal of SIGNALS) process.on(signal, onSignal);
  const engine = new AutomationEngine(
    { log: options.log, output: options.output, observe: options.observe, publish: options.publish },
    options.baseDir,
    options.drainTimeoutMs,
    options.journal,
  );
  engine.on('fatal', (name: string, code: number, why: string) => submit({ kind: 'fatal', name, code, why }));

  /** A failed watch named with why, and whether its previous definition still runs. */
  const failure = ({ name, error, running }: ApplyResult['failed'][number]): string =>
    `watch '${name}' ${running ? 'not replaced (its previous definition keeps running)' : 'not started'}: ${error.describe()}`;
  const reload = async (): Promise<ControlReply> => {
    try {
      const loaded = await options.load();
      if (loaded.drainTimeoutMs !== undefined) engine.drainTimeoutMs = loaded.drainTimeoutMs;
      engine.onDrainTimeout = loaded.onDrainTimeout ?? 'keep';
      const result = await engine.apply(loaded.watches);
      const summary = `${result.started.length} started, ${result.kept.length} unchanged, ${result.stopped.length} stopped${result.failed.length ? `, ${result.failed.length} failed` : ''}`;
      for (const failed of result.failed) options.log(failure(failed));
      options.log(`reloaded: ${summary}`, 'info');
      if (result.failed.length > 0) return { ok: false, error: `reloaded: ${summary}\n${result.failed.map(failure).join('\n')}` };
      return { ok: true, message: `reloaded: ${summary}` };
    } catch (err) {
      if (!(err instanceof TswatchError)) throw err;
      // A broken config leaves the running one in force.
      options.log(`reload failed, keeping the running configuration: ${err.describe()}`);
      return { ok: false, error: `reload failed, keeping the running configuration: ${err.describe()}` };
    }
  };

  try {
    const loaded = await options.load();
    if (loaded.drainTimeoutMs !== undefined) engine.drainTimeoutMs = loaded.drainTimeoutMs;
    engine.onDrainTimeout = loaded.onDrainTimeout ?? 'keep';
    const first = await engine.apply(loaded.watches);
    if (first.failed.length > 0 && first.started.length === 0) throw first.failed[0]!.error;
    for (const failed of first.failed) options.log(failure(failed));
    await options.onReady?.(submit, engine);
    options.log('Watches established.', 'info');
    for (;;) {
      if (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      const request = queue.shift()!;
      if (request.kind === 'fatal') {
        if (request.why.startsWith('every'))
          options.log(`${request.name ? `[${request.name}] ` : ''}${request.why}: nothing more to watch`);
        if (!options.exitOnFatal) continue;
        await engine.stop();
        return request.code;
      }
      if (request.kind === 'signal') {
        if (request.signal === 'SIGUSR1') {
          options.reopenLog?.();
          continue;
        }
        if (request.signal === 'SIGHUP' && options.reloadable) {
          await reload();
          continue;
        }
        return await shutdown(engine, options, request.signal, request.signal);
      }
      const unit = request.name === undefined ? undefined : engine.get(request.name);
      switch (request.command) {
        case 'status':
          request.reply({ ok: true, status: engine.status(), ...(options.sinks && { sinks: options.sinks() }) });
          break;
        case 'reload':
          request.reply(options.reloadable ? await reload() : { ok: false, error: 'this tswatch has no config file to reload' });
          break;
        case 'pause':
        case 'resume':
          if (unit === undefined) {
            request.reply({ ok: false, error: `no watch named '${request.name ?? ''}' (watches: ${engine.names().join(', ')})` });
            break;
          }
          try {
            await unit[request.command]();
            request.reply({ ok: true, message: `${request.command === 'pause' ? 'paused' : 'resumed'} '${unit.name}'` });
          } catch (err) {
            request.reply({ ok: false, error: err instanceof TswatchError ? err.describe() : (err as Error).message });
          }
          break;
        case 'stop':
          request.reply({ ok: true, message: 'stopping' });
          return await shutdown(engine, options, 'SIGTERM', 'ctl stop');
      }
    }
  } finally {
    for (const signal of SIGNALS) process.off(signal, onSignal);
    await engine.stop();
  }
}

/** Drain and stop; the status: a supervised command's own (a forwarded SIGINT included), else 0. */
async function shutdown(engine: AutomationEngine, options: DaemonLoopOptions, signal: NodeJS.Signals, reason: string): Promise<number> {
  if (options.reloadable)
    options.log(
      `${reason}: stopping (draining queued events, waiting up to ${engine.drainTimeoutMs / 1000} s for running commands)`,
      'info',
    );
  const codes = engine.names().map((name) => engine.get(name)!.action);
  const drained = await engine.stop(signal === 'SIGINT' || signal === 'SIGTERM' ? signal : undefined);
  if (!drained) options.log('drain timeout: commands still running were stopped');
  const own = codes.map((action) => action.exitCode?.()).find((code) => code !== undefined);
  return own ?? 0;
}
