// overflow: SIGSTOP the watcher, create more files than the kernel queue holds, SIGCONT.
import { readFileSync } from 'node:fs';
import { fmt, fresh, gen, isCreate, now, tally, usage } from './common.mjs';
import { Run } from '../harness.mjs';

export const maxQueued = () => Number(readFileSync('/proc/sys/fs/inotify/max_queued_events', 'utf8'));

export function overflow(n) {
  return {
    id: 'overflow',
    family: 'overflow',
    title: `overflow: ${n.toLocaleString('en')} files created while the watcher is stopped (max_queued_events = ${maxQueued()})`,
    columns: [
      ['overflow', 'reported overflow', fmt.str],
      ['seen', 'files seen / created', fmt.str],
      ['recovered', 'recovered all', fmt.str],
      ['dups', 'duplicate creates', fmt.int],
      ['wall', 'wall s (SIGCONT → last create)', fmt.s, 'ratio'],
      ['cpu', 'watcher CPU s', fmt.s, 'ratio', 0.02],
      ['rss', 'peak RSS MiB', fmt.mb, 'ratio'],
      ['end', 'ended by', fmt.str],
    ],
    async run(subject, ctx) {
      const tmp = fresh('overflow');
      const run = new Run(subject, tmp.dir);
      try {
        if ((await run.ready()) !== 'done') throw new Error(`not ready: ${run.stderr.slice(-200)}`);
        const start = run.sample();
        const creates = tally(run, isCreate);
        const overflows = tally(run, (e) => e.kind === 'OVERFLOW');
        run.proc.kill('SIGSTOP');
        await gen(ctx, 'create', tmp.dir, 'f', n);
        const t0 = now();
        run.proc.kill('SIGCONT');
        const end = await run.waitFor(() => creates.update().distinct.size >= n, { quietMs: ctx.quietMs });
        const stop = await run.stop();
        creates.update();
        overflows.update();
        return {
          overflow: overflows.count ? `yes (${overflows.count})` : 'no',
          seen: `${creates.distinct.size} / ${n}`,
          recovered: creates.distinct.size === n ? 'yes' : 'no',
          ok: creates.distinct.size === n,
          dups: creates.count - creates.distinct.size,
          wall: creates.last === undefined ? NaN : (creates.last - t0) / 1000,
          end,
          ...usage(start, stop),
        };
      } finally {
        await run.stop();
        tmp.cleanup();
      }
    },
  };
}
