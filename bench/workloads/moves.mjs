// moves: renames within one directory and across two directories of a tree, files existing before launch.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, fresh, gen, now, usage } from './common.mjs';
import { Run } from '../harness.mjs';

export function moves(within, across) {
  return {
    id: 'moves',
    family: 'moves',
    title: `moves: ${within} renames within a directory + ${across} across directories`,
    columns: [
      ['paired', 'paired old → new', fmt.int],
      ['split', 'MOVED_FROM + MOVED_TO unpaired', fmt.int],
      ['delCreate', 'delete + create', fmt.int],
      ['lost', 'lost / partial', fmt.int],
      ['wall', 'wall s', fmt.s, 'ratio'],
      ['cpu', 'watcher CPU s', fmt.s, 'ratio', 0.02],
      ['rss', 'peak RSS MiB', fmt.mb, 'ratio'],
      ['end', 'ended by', fmt.str],
    ],
    async run(subject, ctx) {
      const tmp = fresh('moves');
      const m = join(tmp.dir, 'm');
      const t = join(tmp.dir, 't');
      for (const d of [m, t, join(t, 'd0'), join(t, 'd1'), join(t, 'd2')]) mkdirSync(d);
      await gen(ctx, 'create', m, 's', within);
      await gen(ctx, 'create', join(t, 'd0'), 'x', across);
      const pairs = [];
      for (let i = 0; i < within; i++) pairs.push([join(m, `s${i}`), join(m, `r${i}`)]);
      for (let i = 0; i < across; i++) pairs.push([join(t, 'd0', `x${i}`), join(t, 'd1', `x${i}`)]);
      const run = new Run(subject, tmp.dir);
      try {
        if ((await run.ready()) !== 'done') throw new Error(`not ready: ${run.stderr.slice(-200)}`);
        const start = run.sample();
        // Done once every rename is accounted for: paired, or both its old and its new side reported.
        const paired = new Set();
        const oldSide = new Set();
        const newSide = new Set();
        let i = 0;
        let last;
        let open = pairs;
        const check = () => {
          for (; i < run.events.length; i++) {
            const e = run.events[i];
            if (e.kind === 'MOVE') {
              paired.add(`${e.path}\0${e.to}`);
              newSide.add(e.to);
            } else if (e.kind === 'MOVED_FROM' || e.kind === 'DELETE') oldSide.add(e.path);
            else if (e.kind === 'MOVED_TO' || e.kind === 'CREATE') newSide.add(e.path);
            else continue;
            last = e.t;
          }
          open = open.filter(([f, t]) => !paired.has(`${f}\0${t}`) && !(oldSide.has(f) && newSide.has(t)));
          return open.length === 0;
        };
        const t0 = now();
        await gen(ctx, 'rename', m, 's', 'r', within);
        await gen(ctx, 'rename', t, 'd0/x', 'd1/x', across);
        const end = await run.waitFor(check, { quietMs: ctx.quietMs });
        const stop = await run.stop();
        check();
        return { ...classify(run.events, pairs), wall: last === undefined ? NaN : (last - t0) / 1000, end, ...usage(start, stop) };
      } finally {
        await run.stop();
        tmp.cleanup();
      }
    },
  };
}

function classify(events, pairs) {
  const seen = new Set(events.map((e) => (e.kind === 'MOVE' ? `MOVE ${e.path} -> ${e.to}` : `${e.kind} ${e.path}`)));
  const r = { paired: 0, split: 0, delCreate: 0, lost: 0 };
  for (const [from, to] of pairs) {
    if (seen.has(`MOVE ${from} -> ${to}`)) r.paired++;
    else if (seen.has(`MOVED_FROM ${from}`) && seen.has(`MOVED_TO ${to}`)) r.split++;
    else if (seen.has(`DELETE ${from}`) && seen.has(`CREATE ${to}`)) r.delCreate++;
    else r.lost++;
  }
  r.ok = r.lost === 0;
  return r;
}
