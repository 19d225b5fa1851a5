import type { Event } from '../src/index.js';
import type { Fence } from './fence.js';
import type { OutputSink } from './process-group.js';

/** 'info': progress a quiet run leaves out (started, reloaded); 'warn' (default): failures, always said. */
export type LogLevel = 'info' | 'warn';
/** One line for the log (foreground: stderr). */
export type Log = (line: string, level?: LogLevel) => void;

/** What an action gets from the watch it serves. */
export interface ActionContext {
  /** The watch's name (config file) or the subcommand's. */
  name: string;
  /** Relative paths in the action's options are relative to this (the config file's directory). */
  baseDir: string;
  log: Log;
  /** Where commands' output goes. */
  output: OutputSink;
  /** Marks in the watch's event stream (see Fence); undefined for a fleet stream (`stream:`). */
  fence: Fence | undefined;
}

/**
 * What an action reports for `ctl status`, `GET /api/status` and the web page. Recipes add their own
 * keys (a backup's `queue` and `lastSync`, a trash's `bytes`): the page shows each as `key: value`.
 */
export interface ActionStatus {
  /** Pids of the commands running now. */
  running: number[];
  /** One word for the state column (running, backoff, syncing, …); default: running or idle by `running`. */
  state?: string;
  /** The last thing that went wrong, shown with the watch's errors. */
  lastError?: string;
  /** Anything else: numbers, strings (ISO times), booleans, small objects. */
  [key: string]: unknown;
}

/** What a watch does with its events: run a command, keep a server up, a handler module, a recipe. */
export interface Action {
  /** Begin (spawn a long-running command): called once the watch is live, after the unit it replaces stopped. */
  start?(): void;
  /** Called for each accepted event, in kernel order, inside dispatch: must not block. */
  handler(event: Event): void;
  /** True while events are to be ignored (--ignore-own: the command's own writes). */
  ignoring?(): boolean;
  /** Finish what was triggered (pending batches, running commands); false if `timeoutMs` ran out. */
  drain(timeoutMs: number): Promise<boolean>;
  /** After a drain that ran out of time: the events whose work has not begun, taken out of the queue (kept or dropped by the caller, never silently). */
  takeQueued?(): Event[];
  /** Stop for good: stop running commands with `signal` (default: the action's), then SIGKILL after kill-after. */
  close(signal?: NodeJS.Signals): Promise<void>;
  status(): ActionStatus;
  /** For a recipe that watches by itself: what it watches and the events it took (the watch's own are none). */
  watching?(): { paths: string[]; watches: number; events: number };
  /**
   * For an action that does work of its own beyond the watch's events (a recipe that watches by itself):
   * stop that work until resume(). Without it, such a watch cannot be paused (WatchUnit refuses).
   */
  pause?(): void | Promise<void>;
  /** Take up the work again, catching up with what changed while paused; resolves once it is watching. */
  resume?(): void | Promise<void>;
  /** Resolves with an exit status when the action has given up (restart: retries exhausted). */
  readonly finished?: Promise<number>;
  /** The status a foreground `tswatch restart` exits with: its command's last one (shell convention). */
  exitCode?(): number | undefined;
}

/** Builds an action from its validated options. */
export type ActionFactory = (options: Record<string, unknown>, context: ActionContext) => Action | Promise<Action>;
