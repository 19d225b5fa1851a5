// burst: N empty files created in one directory as fast as the C generator can (open+close each).
import { fmt, fresh, gen, isCreate, now, tally, usage } from './common.mjs';
import { Run } from '../harness.mjs';

export function burst(n) {
  return {
    id: `burst-${n}`,
    family: 'burst',
    title: `burst: ${n.toLocaleString('en')} files created in one directory`,
    columns: [
      ['events', 'creates seen / expected', fmt.str],
      ['overflow', 'overflow reported', fmt.str],
      ['wall', 'wall s (gen start → last create seen)', fmt.s, 'ratio'],
      ['cpu', 'watcher CPU s', fmt.s, 'ratio', 0.02],
      ['rss', 'peak RSS MiB', fmt.mb, 'ratio'],
      ['genWall', 'gen s', fmt.s],
      ['end', 'ended by', fmt.str],
    ],
    async run(subject, ctx) {
      const tmp = fresh('burst');
      const run = new Run(subject, tmp.dir);
      try {
        if ((await run.ready()) !== 'done') throw new Error(`not ready: ${run.stderr.slice(-200)}`);
        const start = run.sample();
        const creates = tally(run, isCreate);
        const overflows = tally(run, (e) => e.kind === 'OVERFLOW');
        const t0 = now();
        await gen(ctx, 'create', tmp.dir, 'f', n);
        const genWall = (now() - t0) / 1000;
        const end = await run.waitFor(() => creates.update().distinct.size >= n, { quietMs: ctx.quietMs, maxMs: 600000 });
        const stop = await run.stop();
        creates.update();
        overflows.update();
        return {
          overflow: overflows.count ? `yes (${overflows.count})` : 'no',
          events: `${creates.distinct.size} / ${n}`,
          ok: creates.distinct.size === n,
          wall: creates.last === undefined ? NaN : (creates.last - t0) / 1000,
          genWall,
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
