// unrelated-activity: N files created next to the watched tree, on the same filesystem, none inside it.
// inotify never hears of them; a fanotify filesystem mark hears every one and must drop it. What it
// costs the watcher is its CPU meanwhile; a marker made in the watched tree afterwards shows it kept up
// (and that nothing from outside was printed).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, fresh, gen, now, usage } from './common.mjs';
import { Run } from '../harness.mjs';

export function unrelatedActivity(n) {
  return {
    id: `unrelated-activity-${n}`,
    family: 'unrelated-activity',
    title: `unrelated activity: ${n.toLocaleString('en')} files created beside the watched tree, same filesystem`,
    subjects: ['tswatch', 'tswatch-fanotify', 'inotifywait'],
    columns: [
      ['cpu', 'watcher CPU s', fmt.s, 'ratio', 0.02],
      ['rss', 'peak RSS MiB', fmt.mb, 'ratio'],
      ['marker', 'marker seen ms after gen ends', fmt.ms],
      ['outside', 'events printed from outside', fmt.str],
      ['genWall', 'gen s', fmt.s],
    ],
    async run(subject, ctx) {
      const tmp = fresh('unrelated');
      const watched = join(tmp.dir, 'watched');
      const elsewhere = join(tmp.dir, 'elsewhere');
      mkdirSync(watched);
      mkdirSync(elsewhere);
      const run = new Run(subject, watched);
      try {
        if ((await run.ready()) !== 'done') throw new Error(`not ready: ${run.stderr.slice(-200)}`);
        const start = run.sample();
        const t0 = now();
        await gen(ctx, 'create', elsewhere, 'f', n);
        const genEnd = now();
        const marker = join(watched, 'marker');
        writeFileSync(marker, '');
        const end = await run.waitFor(() => run.events.some((e) => e.kind === 'CREATE' && e.path === marker), {
          quietMs: 60000,
          maxMs: 120000,
        });
        const seen = run.events.find((e) => e.kind === 'CREATE' && e.path === marker);
        const stop = await run.stop();
        return {
          cpu: usage(start, stop).cpu,
          rss: stop.hwm,
          marker: end === 'done' && seen?.t !== undefined ? seen.t - genEnd : NaN,
          outside: String(run.events.filter((e) => e.path?.startsWith(elsewhere)).length),
          genWall: (genEnd - t0) / 1000,
          ok: end === 'done',
        };
      } finally {
        await run.stop();
        tmp.cleanup();
      }
    },
  };
}
