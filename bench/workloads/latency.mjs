// latency: single small writes to new files, spaced out; write → adapter line arrival in the harness.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, fresh, now, sleep, usage } from './common.mjs';
import { Run } from '../harness.mjs';

export function latency(n, gapMs = 20) {
  return {
    id: 'latency',
    family: 'latency',
    title: `latency: ${n} single writes ${gapMs} ms apart (event time = line arrival in the harness)`,
    columns: [
      ['seen', 'seen / expected', fmt.str],
      ['p50', 'p50 ms', fmt.ms, 'ratio'],
      ['p99', 'p99 ms', fmt.ms, 'ratio'],
      ['max', 'max ms', fmt.ms],
      ['cpu', 'watcher CPU s', fmt.s, 'ratio', 0.02],
      ['rss', 'peak RSS MiB', fmt.mb, 'ratio'],
    ],
    async run(subject, ctx) {
      const tmp = fresh('latency');
      const run = new Run(subject, tmp.dir);
      try {
        if ((await run.ready()) !== 'done') throw new Error(`not ready: ${run.stderr.slice(-200)}`);
        const start = run.sample();
        const written = new Map(); // path → write time
        const lat = new Map(); // path → first event arrival − write time
        let i = 0;
        const check = () => {
          for (; i < run.events.length; i++) {
            const e = run.events[i];
            const p = e.kind === 'MOVE' ? e.to : e.path;
            if (written.has(p) && !lat.has(p)) lat.set(p, e.t - written.get(p));
          }
          return lat.size === n;
        };
        for (let k = 0; k < n; k++) {
          const p = join(tmp.dir, `w${k}`);
          written.set(p, now());
          writeFileSync(p, 'x');
          await sleep(gapMs);
        }
        await run.waitFor(check, { quietMs: ctx.quietMs });
        const stop = await run.stop();
        check();
        const v = [...lat.values()].sort((a, b) => a - b);
        const q = (f) => (v.length ? v[Math.min(v.length - 1, Math.floor(f * v.length))] : NaN);
        return { seen: `${v.length} / ${n}`, ok: v.length === n, p50: q(0.5), p99: q(0.99), max: v.at(-1), ...usage(start, stop) };
      } finally {
        await run.stop();
        tmp.cleanup();
      }
    },
  };
}
