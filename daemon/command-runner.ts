import { EventEmitter } from 'node:events';
import { type Event, TswatchError } from '../src/index.js';
import { type ExitStatus, type OutputSink, ProcessGroup } from './process-group.js';

import { BUSY_POLICIES, type BusyPolicy } from './busy-policy.js';

export { BUSY_POLICIES, type BusyPolicy };

/** One run of the command. */
export interface Invocation {
  argv: string[];
  env?: Record<string, string> | undefined;
  stdin?: Buffer | string | undefined;
  /** The events it runs for (kept if it is still queued when a drain runs out of time). */
  events?: Event[] | undefined;
}

export interface CommandRunnerOptions {
  /** queue (default): run every trigger in turn; drop: ignore triggers while busy; restart: stop the
   * running command and run the new one; signal: send `signal` to the running command instead. */
  onBusy?: BusyPolicy;
  /** Sent by `restart` and `signal` (default SIGTERM). */
  signal?: NodeJS.Signals;
  /** After `signal`, SIGKILL the command if it has not exited within this many ms (default 10 s). */
  killAfterMs?: number;
  cwd?: string | undefined;
  output?: OutputSink | undefined;
}

export function parseBusyPolicy(value: string): BusyPolicy {
  if ((BUSY_POLICIES as readonly string[]).includes(value)) return value as BusyPolicy;
  throw new TswatchError(`--on-busy: unknown policy '${value}'`, { code: 'EBADFLAG', hint: `valid policies: ${BUSY_POLICIES.join(', ')}` });
}

/**
 * Runs a command per trigger, one at a time, following a busy policy. Never throws at the caller:
 * failures are events.
 *
 * Events: `start` (invocation, pid), `exit` (invocation, status, durationMs), `error` (err, invocation),
 * `dropped` (invocation), `idle`.
 */
export class CommandRunner extends EventEmitter {
  private current: { group: ProcessGroup; invocation: Invocation } | undefined;
  private readonly queue: Invocation[] = [];
  private stopping = false;
  private readonly onBusy: BusyPolicy;
  private readonly signal: NodeJS.Signals;
  private readonly killAfterMs: number;
  /** Called synchronously just before each spawn (the --ignore-own fence hooks in here). */
  beforeSpawn: (() => void) | undefined;
  runs = 0;
  failures = 0;

  constructor(private readonly options: CommandRunnerOptions = {}) {
    super();
    this.onBusy = options.onBusy ?? 'queue';
    this.signal = options.signal ?? 'SIGTERM';
    this.killAfterMs = options.killAfterMs ?? 10_000;
  }

  get busy(): boolean {
    return this.current !== undefined;
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Pids of the running command (at most one). */
  pids(): number[] {
    const pid = this.current?.group.pid;
    return pid === undefined ? [] : [pid];
  }

  submit(invocation: Invocation): void {
    if (this.stopping) return;
    if (this.current === undefined) {
      this.spawn(invocation);
      return;
    }
    switch (this.onBusy) {
      case 'queue':
        this.queue.push(invocation);
        return;
      case 'drop':
        this.emit('dropped', invocation);
        return;
      case 'signal':
        this.current.group.kill(this.signal);
        return;
      case 'restart':
        // Only the newest trigger matters: the ones before it would be stopped at once anyway.
        this.queue.splice(0, this.queue.length, invocation);
        void this.current.group.terminate(this.signal, this.killAfterMs);
    }
  }

  /** Resolves when nothing runs and nothing is queued; false if `timeoutMs` passed first. */
  async drain(timeoutMs = Infinity): Promise<boolean> {
    if (!this.busy) return true;
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<boolean>((resolve) => this.once('idle', () => resolve(true)));
    const timeout = Number.isFinite(timeoutMs)
      ? new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)))
      : idle;
    const done = await Promise.race([idle, timeout]);
    clearTimeout(timer);
    return done;
  }

  /** Take the queued invocations out (not run); the running one, if any, goes on. */
  takeQueued(): Invocation[] {
    return this.queue.splice(0);
  }

  /** Drop the queue, stop the running command (signal, then SIGKILL after kill-after). */
  async stop(signal: NodeJS.Signals = this.signal): Promise<void> {
    this.stopping = true;
    this.queue.length = 0;
    if (this.current) await this.current.group.terminate(signal, this.killAfterMs);
  }

  private spawn(invocation: Invocation): void {
    this.beforeSpawn?.();
    const group = new ProcessGroup(invocation.argv, { ...invocation, cwd: this.options.cwd, output: this.options.output });
    this.current = { group, invocation };
    this.runs++;
    if (group.pid !== undefined) this.emit('start', invocation, group.pid);
    void group.exited.then((status) => this.finished(group, invocation, status));
  }

  private finished(group: ProcessGroup, invocation: Invocation, status: ExitStatus): void {
    this.current = undefined;
    if (group.spawnError) {
      this.failures++;
      this.emit('error', group.spawnError, invocation);
    } else {
      if (status.code !== 0) this.failures++;
      this.emit('exit', invocation, status, Date.now() - group.startedAt);
    }
    const next = this.queue.shift();
    if (next !== undefined && !this.stopping) this.spawn(next);
    else this.emit('idle');
  }
}
