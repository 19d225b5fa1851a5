import { EventEmitter } from 'node:events';
import { type ExitStatus, type OutputSink, ProcessGroup } from './process-group.js';

export interface SupervisorOptions {
  argv: string[];
  env?: Record<string, string> | undefined;
  cwd?: string | undefined;
  output?: OutputSink | undefined;
  /** Sent to stop the process before a restart (default SIGTERM). */
  signal?: NodeJS.Signals | undefined;
  /** SIGKILL the process group if it has not exited this long after `signal` (default 10 s). */
  killAfterMs?: number | undefined;
  /** Crashes in a row (each within `startSecs` of its start) tolerated before giving up (supervisor's startretries, default 3). */
  startRetries?: number | undefined;
  /** A process that stayed up this long started fine: its crash counter restarts (default 1 s). */
  startSecs?: number | undefined;
  /** First delay before restarting after a crash, doubled on each crash in a row, up to 30 s (default 1 s). */
  backoffMs?: number | undefined;
}

export type SupervisorState = 'running' | 'stopping' | 'backoff' | 'exited' | 'fatal' | 'stopped';

/**
 * Keeps one long-running command up. A restart signals the process group and waits for it to exit
 * before starting the new one (a server's port is free again: no EADDRINUSE as with nodemon). A crash
 * restarts it after a growing delay, up to `startRetries` quick crashes in a row; a clean exit (status
 * 0) waits for the next change.
 *
 * Events: `spawn` (pid), `exit` (status, expected), `backoff` (delayMs, failures), `fatal` (status), `error` (err).
 */
export class RestartSupervisor extends EventEmitter {
  state: SupervisorState = 'stopped';
  restarts = 0;
  lastStatus: ExitStatus | undefined;
  /** Resolves with the last status once the supervisor gives up (retries exhausted). */
  readonly finished: Promise<ExitStatus>;
  private group: ProcessGroup | undefined;
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private restarting: Promise<void> | undefined;
  private giveUp!: (status: ExitStatus) => void;

  constructor(private readonly options: SupervisorOptions) {
    super();
    this.finished = new Promise((resolve) => (this.giveUp = resolve));
  }

  get pid(): number | undefined {
    return this.group?.running ? this.group.pid : undefined;
  }

  start(): void {
    clearTimeout(this.timer);
    const group = new ProcessGroup(this.options.argv, this.options);
    this.group = group;
    this.state = 'running';
    if (group.pid !== undefined) this.emit('spawn', group.pid);
    void group.exited.then((status) => this.onExit(group, status));
  }

  /**
   * Stop the running process (waiting for its exit) and start it again; from backoff, exited or fatal,
   * start at once. Changes arriving while a restart is under way are covered by it.
   */
  restart(): Promise<void> {
    if (this.state === 'stopped') return Promise.resolve();
    this.restarting ??= (async () => {
      this.failures = 0;
      if (this.group?.running) {
        this.state = 'stopping';
        await this.group.terminate(this.options.signal ?? 'SIGTERM', this.options.killAfterMs ?? 10_000);
      }
      this.restarting = undefined;
      if (this.state === 'stopped') return;
      this.restarts++;
      this.start();
    })();
    return this.restarting;
  }

  /** Stop supervising: send `signal` (a forwarded SIGINT, say), wait for the exit. Resolves with the last status. */
  async stop(signal: NodeJS.Signals = this.options.signal ?? 'SIGTERM'): Promise<ExitStatus | undefined> {
    clearTimeout(this.timer);
    this.state = 'stopped';
    if (this.group?.running) this.lastStatus = await this.group.terminate(signal, this.options.killAfterMs ?? 10_000);
    await this.restarting;
    return this.lastStatus;
  }

  private onExit(group: ProcessGroup, status: ExitStatus): void {
    if (group.spawnError) this.emit('error', group.spawnError);
    this.lastStatus = status;
    // Ours when a restart or stop asked for it; a replaced process's exit is old news.
    const expected = this.state === 'stopping' || this.state === 'stopped' || group !== this.group;
    this.emit('exit', status, expected);
    if (expected) return;
    if (status.code === 0) {
      this.state = 'exited';
      return;
    }
    if (Date.now() - group.startedAt >= (this.options.startSecs ?? 1) * 1000) this.failures = 0;
    this.failures++;
    if (this.failures > (this.options.startRetries ?? 3)) {
      this.state = 'fatal';
      this.emit('fatal', status);
      this.giveUp(status);
      return;
    }
    const delay = Math.min(30_000, (this.options.backoffMs ?? 1000) * 2 ** (this.failures - 1));
    this.state = 'backoff';
    this.emit('backoff', delay, this.failures);
    this.timer = setTimeout(() => this.start(), delay);
  }
}
