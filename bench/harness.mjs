// Launch one subject's adapter, timestamp every stdout line on arrival, sample /proc, stop it.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const TICK = 100; // USER_HZ: /proc/<pid>/stat counts clock ticks of 1/100 s on Linux

/** utime+stime (seconds, all threads) and VmRSS/VmHWM (MiB) of a live process. */
export function sample(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpu = (Number(f[11]) + Number(f[12])) / TICK; // fields 14 and 15, counted after "pid (comm) "
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
    return { cpu, rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
  } catch {
    return { cpu: NaN, rss: NaN, hwm: NaN };
  }
}

/** One line of the bench format → {kind, path, to?}. */
export function parseLine(line) {
  const sp = line.indexOf(' ');
  const kind = sp < 0 ? line : line.slice(0, sp);
  const rest = sp < 0 ? '' : line.slice(sp + 1);
  if (kind === 'MOVE') {
    const [path, to] = rest.split(' -> ');
    return { kind, path, to };
  }
  return { kind, path: rest };
}

export class Run {
  constructor(subject, root) {
    this.subject = subject;
    this.events = []; // {t, kind, path, to?}, t = harness arrival time (performance.now() ms)
    this.listeners = new Set();
    this.stderr = '';
    this.readyAt = undefined;
    this.lastAt = undefined;
    this.exited = false;
    const { cmd, args } = subject.command(root);
    this.t0 = performance.now();
    this.proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...subject.env } });
    this.pid = this.proc.pid;
    this.exit = new Promise((resolve) =>
      this.proc.on('close', () => {
        this.exited = true;
        resolve(true);
      }),
    );
    this.proc.on('error', (e) => (this.stderr += `spawn: ${e.message}\n`));
    let partial = '';
    this.proc.stdout.setEncoding('utf8').on('data', (chunk) => {
      const t = performance.now();
      const lines = (partial + chunk).split('\n');
      partial = lines.pop();
      for (const raw of lines) this.take(t, raw);
      this.notify(t);
    });
    this.proc.stderr.setEncoding('utf8').on('data', (chunk) => {
      this.stderr = (this.stderr + chunk).slice(-4000);
      if (subject.readyStderr?.test(chunk) && this.readyAt === undefined) this.readyAt = performance.now();
      this.notify(performance.now());
    });
  }

  take(t, raw) {
    const line = this.subject.translate ? this.subject.translate(raw) : raw;
    if (!line) return;
    if (line === 'READY') {
      this.readyAt ??= t;
      return;
    }
    this.events.push({ t, ...parseLine(line) });
  }

  notify(t) {
    this.lastAt = t;
    for (const l of this.listeners) l();
  }

  /**
   * Resolve when `done()` holds ('done'), when nothing arrived for `quietMs` ('quiet'), after `maxMs`
   * ('timeout') or when the subject exits ('exited').
   */
  waitFor(done, { quietMs = 3000, maxMs = 120000 } = {}) {
    return new Promise((resolve) => {
      let quiet;
      const finish = (why) => {
        clearTimeout(quiet);
        clearTimeout(max);
        this.listeners.delete(check);
        resolve(why);
      };
      const check = () => {
        if (done()) return finish('done');
        if (this.exited) return finish('exited');
        clearTimeout(quiet);
        quiet = setTimeout(() => finish('quiet'), quietMs);
      };
      const max = setTimeout(() => finish('timeout'), maxMs);
      this.listeners.add(check);
      this.exit.then(check);
      check();
    });
  }

  ready(maxMs = 60000) {
    return this.waitFor(() => this.readyAt !== undefined, { quietMs: maxMs, maxMs });
  }

  sample() {
    return sample(this.pid);
  }

  /** Sample CPU/RSS right before stopping, then SIGTERM (SIGKILL after 2 s). */
  async stop() {
    const s = this.sample();
    if (!this.exited) {
      this.proc.kill('SIGCONT');
      this.proc.kill('SIGTERM');
      const t = setTimeout(() => this.proc.kill('SIGKILL'), 2000);
      await this.exit;
      clearTimeout(t);
    }
    return s;
  }
}
