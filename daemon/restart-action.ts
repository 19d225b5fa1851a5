import { resolve } from 'node:path';
import { TswatchError } from '../src/index.js';
import type { Action, ActionContext, ActionFactory } from './action.js';
import { Batcher } from './batcher.js';
import { describeStatus, statusCode } from './process-group.js';
import { RestartSupervisor, type SupervisorOptions } from './restart-supervisor.js';

export interface RestartOptions extends Omit<SupervisorOptions, 'argv' | 'output' | 'env'> {
  command: string[];
  /** Run the command words as one /bin/sh script. */
  shell?: boolean;
  /** Changes closer together than this (ms) cause one restart (default 100). */
  debounceMs?: number;
}

/** `tswatch restart`: keep a long-running command up, restarting it (after its exit) on change. */
export function restartAction(options: RestartOptions, context: ActionContext): Action {
  if (options.command.length === 0) {
    throw new TswatchError('no command given', {
      code: 'EBADFLAG',
      hint: 'put the command after --, e.g. tswatch restart -r src -- node server.js',
    });
  }
  const supervisor = new RestartSupervisor({
    ...options,
    argv: options.shell ? ['/bin/sh', '-c', options.command.join(' ')] : options.command,
    cwd: options.cwd === undefined ? undefined : resolve(context.baseDir, options.cwd),
    output: context.output,
  });
  const say = context.log;
  supervisor.on('spawn', (pid: number) => say(`started '${options.command[0]}' (pid ${pid})`, 'info'));
  supervisor.on('error', (err: Error) => say(err.message));
  supervisor.on('exit', (status, expected: boolean) => {
    if (!expected && status.code === 0) say(`'${options.command[0]}' ended: exit status 0; restarting on the next change`, 'info');
    else if (!expected) say(`'${options.command[0]}' ended: ${describeStatus(status)}`);
  });
  supervisor.on('backoff', (delay: number, failures: number) =>
    say(`restarting in ${delay} ms (crash ${failures} of ${(options.startRetries ?? 3) + 1} allowed in a row)`),
  );
  supervisor.on('fatal', () => say(`gave up after ${(options.startRetries ?? 3) + 1} quick crashes in a row`));
  const changes = new Batcher<string>(
    options.debounceMs ?? 100,
    (paths) => {
      say(`restarting: ${paths.length === 1 ? paths[0] : `${paths.length} paths`} changed`, 'info');
      void supervisor.restart();
    },
    (path) => path,
  );
  return {
    // Not before: the command of the unit this one replaces must have exited (its port is free).
    start: () => supervisor.start(),
    handler: (event) => changes.add(event.pathname),
    drain: async () => true, // a long-running command is not drained: close() stops it
    async close(signal) {
      changes.dispose();
      await supervisor.stop(signal);
    },
    status: () => ({
      running: supervisor.pid === undefined ? [] : [supervisor.pid],
      state: supervisor.state,
      restarts: supervisor.restarts,
    }),
    finished: supervisor.finished.then(statusCode),
    exitCode: () => (supervisor.lastStatus === undefined ? undefined : statusCode(supervisor.lastStatus)),
  };
}

export const restartActionFactory: ActionFactory = (options, context) => restartAction(options as unknown as RestartOptions, context);
