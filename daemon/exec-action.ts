import { dirname, resolve } from 'node:path';
import { type Event, TswatchError } from '../src/index.js';
import type { Action, ActionContext, ActionFactory } from './action.js';
import { argvCarries, nulRecords, RefusedNames } from './argv-names.js';
import { Batcher } from './batcher.js';
import { type BusyPolicy, CommandRunner, type Invocation } from './command-runner.js';
import { eventEnv, execTemplate } from './placeholders.js';
import { describeStatus } from './process-group.js';

export interface ExecOptions {
  /** argv, with placeholders; with `shell`, the words of one script. */
  command: string[];
  shell?: boolean;
  /** Run once per quiet period with every path of the batch. */
  batch?: boolean;
  /** Quiet period that ends a batch, ms (default 100). */
  debounceMs?: number;
  onBusy?: BusyPolicy;
  signal?: NodeJS.Signals;
  killAfterMs?: number;
  /** Ignore events caused while the command runs (its own output files). */
  ignoreOwn?: boolean;
  cwd?: string;
}

/** Stay well under execve's limit (ARG_MAX, 2 MiB with the environment): a huge batch is split, xargs-style. */
const ARGS_BYTES_PER_RUN = 512 * 1024;

function chunks(events: Event[], limit: number): Event[][] {
  const out: Event[][] = [];
  let current: Event[] = [];
  let bytes = 0;
  for (const path of events) {
    const size = Buffer.byteLength(path.pathname) + 1;
    if (current.length > 0 && bytes + size > limit) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(path);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** `tswatch exec`: run a command per event, or per batch, without ever parsing a file name. */
export function execAction(options: ExecOptions, context: ActionContext): Action {
  const batch = options.batch ?? false;
  const template = execTemplate(options);
  const runner = new CommandRunner({
    onBusy: options.onBusy,
    signal: options.signal,
    killAfterMs: options.killAfterMs,
    cwd: options.cwd === undefined ? undefined : resolve(context.baseDir, options.cwd),
    output: context.output,
  });
  const what = (invocation: Invocation): string => invocation.env?.TSWATCH_PATH ?? `${invocation.env?.TSWATCH_COUNT} paths`;
  runner.on('exit', (invocation: Invocation, status) => {
    if (status.code !== 0) context.log(`'${options.command[0]}' for ${what(invocation)} failed: ${describeStatus(status)}`);
  });
  runner.on('error', (err: Error, invocation: Invocation) => context.log(`${err.message} (for ${what(invocation)})`));

  let ownDepth = 0;
  const fence = context.fence;
  if (options.ignoreOwn && fence === undefined) {
    throw new TswatchError('--ignore-own (ignoreOwn) needs local paths', {
      code: 'EBADFLAG',
      hint: "events from a fleet stream are other hosts' changes, not the command's own: leave it out",
    });
  }
  if (options.ignoreOwn && fence !== undefined) {
    // Everything between the mark dropped just before the spawn and the one dropped after the exit
    // was queued while the command ran: that is what it wrote (and, unavoidably, what others wrote then).
    runner.beforeSpawn = () => void fence.mark(() => ownDepth++);
    runner.on('exit', () => void fence.mark(() => ownDepth--));
    runner.on('error', () => void fence.mark(() => ownDepth--));
  }

  // A name argv cannot carry exactly is never replaced by a nearby one: that event is not run, said, counted.
  const refused = new RefusedNames(
    (line) => context.log(line),
    !batch
      ? 'For the exact bytes, use --batch (batch: true) and read the paths NUL-separated on stdin.'
      : template.takesPaths
        ? `For the exact bytes, read the paths NUL-separated on stdin instead of ${options.shell ? '"$@"' : '{paths}'}.`
        : '',
  );
  const carried = (path: string): boolean => {
    if (argvCarries(path)) return true;
    refused.refuse(path, dirname(path));
    return false;
  };

  const runBatch = (all: Event[]): void => {
    // stdin carries the exact bytes; only paths that are also arguments must be UTF-8.
    const events = template.takesPaths ? all.filter((event) => carried(event.pathname)) : all;
    if (events.length === 0) return;
    for (const batch of template.takesPaths ? chunks(events, ARGS_BYTES_PER_RUN) : [events]) {
      const part = batch.map((event) => event.pathname);
      runner.submit({ events: batch, argv: template.forBatch(part), env: { TSWATCH_COUNT: String(part.length) }, stdin: nulRecords(part) });
    }
  };
  // A tree that never goes quiet still gets a run at least every ten quiet periods.
  const debounceMs = options.debounceMs ?? 100;
  const batcher = batch ? new Batcher<Event>(debounceMs, runBatch, (event) => event.pathname, Math.max(1000, debounceMs * 10)) : undefined;

  return {
    handler(event: Event) {
      if (batcher) return batcher.add(event);
      const invocation = { argv: template.forEvent(event), env: eventEnv(event), events: [event] };
      if ([...invocation.argv, ...Object.values(invocation.env)].every(argvCarries)) runner.submit(invocation);
      else refused.refuse(event.pathname, dirname(event.pathname));
    },
    ignoring: () => ownDepth > 0,
    async drain(timeoutMs) {
      batcher?.flushNow();
      return runner.drain(timeoutMs);
    },
    takeQueued: () => runner.takeQueued().flatMap((invocation) => invocation.events ?? []),
    async close(signal) {
      batcher?.dispose();
      await runner.stop(signal);
    },
    status: () => ({
      running: runner.pids(),
      runs: runner.runs,
      failures: runner.failures,
      queued: runner.pending + (batcher?.size ?? 0),
      refused: refused.count,
    }),
  };
}

export const execActionFactory: ActionFactory = (options, context) => execAction(options as unknown as ExecOptions, context);
