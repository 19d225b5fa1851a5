// new-subtree race: `mkdir -p aI/b/c && touch aI/b/c/f` N times with no pause, right after READY.
import { fmt, fresh, gen, isCreate, now, tally, usage } from './common.mjs';
import { Run } from '../harness.mjs';

export function race(n) {
  return {
    id: 'race',
    family: 'race',
    title: `new-subtree race: ${n} × mkdir -p aI/b/c && touch aI/b/c/f`,
    columns: [
      ['fSeen', 'f seen / expected', fmt.str],
      ['allSeen', 'paths seen (a,b,c,f) / expected', fmt.str],
      ['dups', 'duplicate creates', fmt.int],
      ['wall', 'wall s', fmt.s, 'ratio'],
      ['cpu', 'watcher CPU s', fmt.s, 'ratio', 0.02],
      ['rss', 'peak RSS MiB', fmt.mb, 'ratio'],
      ['end', 'ended by', fmt.str],
    ],
    async run(subject, ctx) {
      const tmp = fresh('race');
      const run = new Run(subject, tmp.dir);
      try {
        if ((await run.ready()) !== 'done') throw new Error(`not ready: ${run.stderr.slice(-200)}`);
        const start = run.sample();
        const creates = tally(run, isCreate);
        const fs = tally(run, (e) => isCreate(e) && e.path.endsWith('/b/c/f'));
        const t0 = now();
        await gen(ctx, 'race', tmp.dir, n);
        const end = await run.waitFor(() => fs.update().distinct.size >= n && creates.update().distinct.size >= 4 * n, {
          quietMs: ctx.quietMs,
        });
        const stop = await run.stop();
        creates.update();
        fs.update();
        return {
          fSeen: `${fs.distinct.size} / ${n}`,
          allSeen: `${creates.distinct.size} / ${4 * n}`,
          dups: creates.count - creates.distinct.size,
          ok: fs.distinct.size === n,
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
