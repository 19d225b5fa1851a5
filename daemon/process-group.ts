import { type ChildProcess, spawn } from 'node:child_process';
import { constants } from 'node:os';
import { TswatchError } from '../src/index.js';

/** How a child ended: its exit code, or the signal that killed it. */
export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Where a child's stdout and stderr go: inherited from tswatch, or handed over chunk by chunk. */
export type OutputSink = 'inherit' | ((chunk: Buffer, stream: 'stdout' | 'stderr') => void);

export interface SpawnOptions {
  env?: Record<string, string> | undefined;
  cwd?: string | undefined;
  /** Written to the child's stdin, which is then closed; without it stdin is /dev/null. */
  stdin?: Buffer | string | undefined;
  output?: OutputSink | undefined;
}

/** The shell's convention for a status: the code, or 128 + signal number. */
export function statusCode(status: ExitStatus): number {
  if (status.code !== null) return status.code;
  return 128 + (status.signal ? (constants.signals[status.signal] ?? 0) : 0);
}

export function describeStatus(status: ExitStatus): string {
  return status.code !== null ? `exit status ${status.code}` : `killed by ${status.signal}`;
}

/**
 * A command in a process group of its own, so that a signal reaches everything it started (`sh -c`,
 * `npm start` and their children): a restart that signalled only the direct child would leave a
 * grandchild holding the port.
 */
export class ProcessGroup {
  readonly child: ChildProcess;
  readonly argv: readonly string[];
  readonly startedAt = Date.now();
  /** Resolves once the child has exited (never rejects: a failed spawn is reported by `spawnError`). */
  readonly exited: Promise<ExitStatus>;
  spawnError: TswatchError | undefined;
  private status: ExitStatus | undefined;

  constructor(argv: readonly string[], options: SpawnOptions = {}) {
    this.argv = argv;
    const output = options.output ?? 'inherit';
    this.child = spawn(argv[0]!, argv.slice(1), {
      detached: true,
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: [
        options.stdin === undefined ? 'ignore' : 'pipe',
        output === 'inherit' ? 'inherit' : 'pipe',
        output === 'inherit' ? 'inherit' : 'pipe',
      ],
    });
    if (typeof output === 'function') {
      this.child.stdout!.on('data', (chunk: Buffer) => output(chunk, 'stdout'));
      this.child.stderr!.on('data', (chunk: Buffer) => output(chunk, 'stderr'));
    }
    if (options.stdin !== undefined) {
      // A command that does not read its stdin closes the pipe early: not an error.
      this.child.stdin!.on('error', () => {});
      this.child.stdin!.end(options.stdin);
    }
    this.exited = new Promise((resolve) => {
      this.child.on('error', (err: NodeJS.ErrnoException) => {
        this.spawnError = new TswatchError(`cannot run '${argv[0]}': ${err.code === 'ENOENT' ? 'command not found' : err.message}`, {
          code: err.code ?? 'ESPAWN',
          cause: err,
          hint: err.code === 'ENOENT' ? 'check the command name and PATH (commands are run directly, not through a shell)' : undefined,
        });
        this.status = { code: 127, signal: null };
        resolve(this.status);
      });
      // 'close', not 'exit': the output pipes are drained too, so nothing the command wrote is lost.
      this.child.on('close', (code, signal) => {
        this.status = { code, signal };
        resolve(this.status);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.status === undefined;
  }

  /** Send `signal` to the whole group (or the child alone if the group is gone). */
  kill(signal: NodeJS.Signals): void {
    if (!this.running || this.pid === undefined) return;
    try {
      process.kill(-this.pid, signal);
    } catch {
      this.child.kill(signal);
    }
  }

  /** Signal, wait for the exit; SIGKILL the group if it is still there after `killAfterMs`. */
  async terminate(signal: NodeJS.Signals, killAfterMs: number): Promise<ExitStatus> {
    this.kill(signal);
    const timer = killAfterMs > 0 && Number.isFinite(killAfterMs) ? setTimeout(() => this.kill('SIGKILL'), killAfterMs) : undefined;
    const status = await this.exited;
    clearTimeout(timer);
    return status;
  }
}
