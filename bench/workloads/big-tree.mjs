// big-tree: a tree of DIRS directories × FILES files, watched whole. Ready time and RSS at ready, then
// BURST new files spread over every directory of it: seen / expected and the watcher's CPU.
import { fmt, fresh, gen, now, tally, usage } from './common.mjs';
import { probeReady, probeTargets } from './probe-ready.mjs';
import { Run } from '../harness.mjs';

export function bigTree(dirs, files, burst) {
  return {
    id: 'big-tree',
    family: 'big-tree',
    ref: 'inotifywait',
    // Subjects that run only here (fsnotifywait) say so with `families`.
    subjects: ['tswatch', 'tswatch-fanotify', 'inotifywait', 'fsnotifywait', 'chokidar', 'parcel'],
    title: `big-tree: ${dirs.toLocaleString('en')} directories × ${files} files, then ${burst.toLocaleString('en')} new files spread over them`,
    columns: [
      ['ready', 'ready s (launch → a round of 8 probes seen)', fmt.s, 'ratio'],
      ['readyRss', 'RSS MiB at ready', fmt.mb, 'ratio'],
      ['events', 'burst: creates seen / expected', fmt.str],
      ['overflow', 'overflow reported', fmt.str],
      ['cpu', 'burst: watcher CPU s', fmt.s, 'ratio', 0.02],
      ['rss', 'peak RSS MiB', fmt.mb, 'ratio'],
      ['genWall', 'gen s', fmt.s],
      ['end', 'ended by', fmt.str],
    ],
    async run(subject, ctx) {
      const tmp = fresh('big-tree');
      await gen(ctx, 'tree', tmp.dir, dirs, files);
      const run = new Run(subject, tmp.dir);
      try {
        const { ready, probes } = await probeReady(run, probeTargets(tmp.dir, dirs));
        const start = run.sample();
        // Only the burst's own files count (a filesystem-wide watcher also reports what is not ours).
        const prefix = `${tmp.dir}/`;
        const isBurst = (e) => e.kind === 'CREATE' && e.path.startsWith(prefix) && /\/n\d+$/.test(e.path) && !probes.has(e.path);
        const creates = tally(run, isBurst);
        const overflows = tally(run, (e) => e.kind === 'OVERFLOW');
        const t0 = now();
        await gen(ctx, 'spread', tmp.dir, dirs, burst);
        const genWall = (now() - t0) / 1000;
        const end = await run.waitFor(() => creates.update().distinct.size >= burst, { quietMs: ctx.quietMs, maxMs: 600000 });
        const stop = await run.stop();
        creates.update();
        overflows.update();
        return {
          ready,
          readyRss: start.rss,
          overflow: overflows.count ? `yes (${overflows.count})` : 'no',
          events: `${creates.distinct.size} / ${burst}`,
          ok: creates.distinct.size === burst,
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
