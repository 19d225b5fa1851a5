import { readFileSync, realpathSync, statfsSync } from 'node:fs';
import { cpus, hostname, loadavg, release, totalmem, uptime } from 'node:os';
import { dirname } from 'node:path';

export interface DiskUsage {
  /** The mount point holding the watched path. */
  mount: string;
  fstype: string;
  /** The watched paths on this filesystem. */
  paths: string[];
  total: number;
  used: number;
  /** What an unprivileged user may still write (statfs f_bavail). */
  available: number;
  usedPercent: number;
}

/** The classic psutil status report, from /proc and statfs. */
export interface HostReport {
  hostname: string;
  kernel: string;
  generatedAt: string;
  bootTime: string;
  uptimeSeconds: number;
  cpuCount: number;
  /** Busy share of all CPUs over the sample, 0–100. */
  cpuUsagePercent: number;
  loadAverage: [number, number, number];
  memory: { total: number; available: number; used: number; usedPercent: number; swapTotal: number; swapUsed: number };
  disks: DiskUsage[];
  /** Paths whose filesystem could not be read (gone, forbidden), with why. */
  diskErrors: Array<{ path: string; error: string }>;
}

function cpuTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const { times } of cpus()) {
    const all = times.user + times.nice + times.sys + times.idle + times.irq;
    total += all;
    busy += all - times.idle;
  }
  return { busy, total };
}

function meminfo(): Record<string, number> {
  const info: Record<string, number> = {};
  for (const line of readFileSync('/proc/meminfo', 'utf8').split('\n')) {
    const m = /^(\w+):\s+(\d+)(?: kB)?/.exec(line);
    if (m) info[m[1]!] = Number(m[2]) * 1024;
  }
  return info;
}

/** Mount points from /proc/self/mountinfo (octal escapes decoded), longest first. */
function mounts(): Array<{ mount: string; fstype: string }> {
  const list: Array<{ mount: string; fstype: string }> = [];
  try {
    for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
      const [left, right] = line.split(' - ');
      if (!left || !right) continue;
      const mount = left.split(' ')[4]!.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
      list.push({ mount, fstype: right.split(' ')[0]! });
    }
  } catch {
    // no /proc: report '/' for everything
  }
  return list.sort((a, b) => b.mount.length - a.mount.length);
}

function mountOf(path: string, table: Array<{ mount: string; fstype: string }>): { mount: string; fstype: string } {
  const inside = (m: string): boolean => m === '/' || path === m || path.startsWith(`${m}/`);
  return table.find((m) => inside(m.mount)) ?? { mount: '/', fstype: 'unknown' };
}

const percent = (part: number, whole: number): number => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0);

/** Where a path's filesystem is, even when the path itself is gone: its nearest existing ancestor. */
function existing(path: string): string {
  for (let p = path; ; p = dirname(p)) {
    try {
      return realpathSync(p);
    } catch {
      if (p === dirname(p)) return p;
    }
  }
}

function diskUsage(paths: readonly string[]): Pick<HostReport, 'disks' | 'diskErrors'> {
  const table = mounts();
  const byMount = new Map<string, DiskUsage>();
  const diskErrors: HostReport['diskErrors'] = [];
  for (const path of paths) {
    const real = existing(path);
    const { mount, fstype } = mountOf(real, table);
    const known = byMount.get(mount);
    if (known) {
      known.paths.push(path);
      continue;
    }
    try {
      const s = statfsSync(real);
      const total = s.blocks * s.bsize;
      const used = (s.blocks - s.bfree) * s.bsize;
      // df's Use%: used / (used + available), leaving out the blocks reserved for root.
      const available = s.bavail * s.bsize;
      byMount.set(mount, { mount, fstype, paths: [path], total, used, available, usedPercent: percent(used, used + available) });
    } catch (err) {
      diskErrors.push({ path, error: (err as Error).message });
    }
  }
  return { disks: [...byMount.values()], diskErrors };
}

/** Measure the host; CPU usage is sampled over `sampleMs`. */
export async function hostReport(paths: readonly string[] = ['/'], sampleMs = 250): Promise<HostReport> {
  const before = cpuTimes();
  await new Promise((resolve) => setTimeout(resolve, sampleMs));
  const after = cpuTimes();
  const mem = meminfo();
  const total = mem.MemTotal ?? totalmem();
  const available = mem.MemAvailable ?? mem.MemFree ?? 0;
  const up = uptime();
  const now = Date.now();
  const [l1, l5, l15] = loadavg() as [number, number, number];
  return {
    hostname: hostname(),
    kernel: release(),
    generatedAt: new Date(now).toISOString(),
    bootTime: new Date(Math.round((now - up * 1000) / 1000) * 1000).toISOString(),
    uptimeSeconds: Math.round(up),
    cpuCount: cpus().length,
    cpuUsagePercent: percent(after.busy - before.busy, after.total - before.total),
    loadAverage: [l1, l5, l15],
    memory: {
      total,
      available,
      used: total - available,
      usedPercent: percent(total - available, total),
      swapTotal: mem.SwapTotal ?? 0,
      swapUsed: (mem.SwapTotal ?? 0) - (mem.SwapFree ?? 0),
    },
    ...diskUsage(paths),
  };
}
