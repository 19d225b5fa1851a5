// Real readiness on an existing tree: every ROUND_MS a probe file goes into each target directory;
// ready is when every probe of one round was seen (a READY line alone may come before the watches do).
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from './common.mjs';

const ROUND_MS = 25;

/** Directories to probe in a `gen tree` of `dirs`: the root, then `n - 1` leaves spread evenly. */
export function probeTargets(root, dirs, n = 8) {
  const leaves = [...Array(n - 1)].map((_, k) => Math.round((k * (dirs - 1)) / (n - 2)));
  return [root, ...leaves.map((i) => join(root, `g${i % 50}`, `d${i}`))];
}

/** Probe `targets` until one round is all seen; returns {ready (s from launch), rounds, probes (a Set of paths)}. */
export async function probeReady(run, targets, maxMs = 120000) {
  const rounds = [];
  const seen = new Set();
  let i = 0;
  let done;
  const check = () => {
    for (; i < run.events.length; i++) if (run.events[i].kind === 'CREATE') seen.add(run.events[i].path);
    done ??= rounds.find((r) => r.every((p) => seen.has(p)));
    return done !== undefined;
  };
  const result = run.waitFor(check, { quietMs: maxMs, maxMs });
  let settled = false;
  result.then(() => (settled = true));
  while (!settled) {
    const round = targets.map((d) => join(d, `probe-${rounds.length}`));
    for (const p of round) closeSync(openSync(p, 'w'));
    rounds.push(round);
    await sleep(ROUND_MS);
  }
  if ((await result) !== 'done') throw new Error(`never saw a full probe round: ${run.stderr.slice(-200)}`);
  const last = Math.max(...run.events.filter((e) => done.includes(e.path)).map((e) => e.t));
  return { ready: (last - run.t0) / 1000, rounds: rounds.indexOf(done) + 1, probes: new Set(rounds.flat()) };
}
