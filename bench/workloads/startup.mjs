// startup: launch on an existing tree; ready = a round of probe files, spread over the tree, all seen.
import { fmt, fresh, gen } from './common.mjs';
import { probeReady, probeTargets } from './probe-ready.mjs';
import { Run } from '../harness.mjs';

const PROBES = 8; // directories probed per round: root, first, last and evenly spread leaves

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
      const run = new Run(subject, tmp.dir);
      try {
        const { ready, rounds } = await probeReady(run, probeTargets(tmp.dir, dirs, PROBES));
        const at = run.sample();
        return {
          ready,
          selfReady: run.readyAt === undefined ? NaN : (run.readyAt - run.t0) / 1000,
          cpu: at.cpu,
          rss: at.rss,
          rounds,
          ok: true,
        };
      } finally {
        await run.stop();
        tmp.cleanup();
      }
    },
  };
}
