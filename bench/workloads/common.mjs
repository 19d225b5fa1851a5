// Small helpers shared by the workloads: fresh temp dirs, the load generator, incremental counting.
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

export const now = () => performance.now();
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Where the workloads' temp dirs go: tmpfs (/dev/shm) when writable, so the generator measures the
 * watchers and not the disk (on ext4 here, 5,000 creates cost ~3 s of system time); `--tmp` overrides.
 */
export function tmpBase(override) {
  if (override) return override;
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}

let base = tmpdir();
export const setTmpBase = (dir) => (base = dir);

/** A fresh temp dir for one subject × workload; `cleanup()` removes it (after the watcher stopped). */
export function fresh(tag) {
  const dir = mkdtempSync(join(base, `tswatch-bench-${tag}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Run the C generator asynchronously (the harness must keep draining the watcher's stdout meanwhile). */
export function gen(ctx, ...args) {
  return new Promise((resolve, reject) => {
    const p = spawn(ctx.helpers.gen, args.map(String), { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`gen ${args[0]} exited ${code}: ${err}`))));
  });
}

/** Counts events matching `pred` as they arrive, without rescanning: `tally.update()` then read fields. */
export function tally(run, pred) {
  const t = { count: 0, distinct: new Set(), last: undefined, i: 0 };
  t.update = () => {
    for (; t.i < run.events.length; t.i++) {
      const e = run.events[t.i];
      if (!pred(e)) continue;
      t.count++;
      t.distinct.add(e.path);
      t.last = e.t;
    }
    return t;
  };
  return t;
}

/** The metrics every workload reports, measured from the READY sample to right before stopping. */
export function usage(start, end) {
  return { cpu: end.cpu - start.cpu, cpuTotal: end.cpu, rss: end.hwm };
}

export const isCreate = (e) => e.kind === 'CREATE';
export const fmt = {
  int: (v) => (v === undefined || Number.isNaN(v) ? '–' : String(Math.round(v))),
  s: (v) => (v === undefined || Number.isNaN(v) ? '–' : v.toFixed(v < 10 ? 2 : 1)),
  ms: (v) => (v === undefined || Number.isNaN(v) ? '–' : v.toFixed(v < 10 ? 1 : 0)),
  mb: (v) => (v === undefined || Number.isNaN(v) ? '–' : v.toFixed(1)),
  str: (v) => (v === undefined ? '–' : String(v)),
};
