// startup: launch on an existing tree; ready = a round of probe files, spread over the tree, all seen.
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, fresh, gen, sleep } from './common.mjs';
import { Run } from '../harness.mjs';

const PROBES = 8; // directories probed per round: root, first, last and evenly spread leaves
const ROUND_MS = 25;

export function startup(dirs, files) {
  return {
    id: 'startup',
    family: 'startup',
    title: `startup: tree of ${dirs.toLocaleString('en')} directories × ${files} files`,
    columns: [
      ['ready', 'ready s (launch → all probes of a round seen)', fmt.s, 'ratio'],
      ['selfReady', 'READY line s', fmt.s],
      ['cpu', 'CPU s at ready', fmt.s, 'ratio', 0.02],
      ['rss', 'RSS MiB at ready', fmt.mb, 'ratio'],
      ['rounds', 'probe rounds', fmt.int],
    ],
    async run(subject, ctx) {
      const tmp = fresh('startup');
      await gen(ctx, 'tree', tmp.dir, dirs, files);
      const leaves = [...Array(PROBES - 1)].map((_, k) => Math.round((k * (dirs - 1)) / (PROBES - 2)));
      const targets = [tmp.dir, ...leaves.map((i) => join(tmp.dir, `g${i % 50}`, `d${i}`))];
      const run = new Run(subject, tmp.dir);
      try {
        const rounds = [];
        const seen = new Set();
        let i = 0;
        let done;
        const check = () => {
          for (; i < run.events.length; i++) if (run.events[i].kind === 'CREATE') seen.add(run.events[i].path);
          done ??= rounds.find((r) => r.every((p) => seen.has(p)));
          return done !== undefined;
        };
        const result = run.waitFor(check, { quietMs: 120000, maxMs: 120000 });
        let settled = false;
        void result.finally(() => {
          settled = true;
        });
        while (!settled) {
          const round = targets.map((d) => join(d, `probe-${rounds.length}`));
          for (const p of round) closeSync(openSync(p, 'w'));
          rounds.push(round);
          await sleep(ROUND_MS);
        }
        if ((await result) !== 'done') throw new Error(`never saw a full probe round: ${run.stderr.slice(-200)}`);
        const at = run.sample();
        const last = Math.max(...run.events.filter((e) => done.includes(e.path)).map((e) => e.t));
        return {
          ready: (last - run.t0) / 1000,
          selfReady: run.readyAt === undefined ? NaN : (run.readyAt - run.t0) / 1000,
          cpu: at.cpu,
          rss: at.rss,
          rounds: rounds.indexOf(done) + 1,
          ok: true,
        };
      } finally {
        await run.stop();
        tmp.cleanup();
      }
    },
  };
}
