import { existsSync } from 'node:fs';
import { release } from 'node:os';
import { resolve } from 'node:path';
import { type BackendChoice, type BackendName, chooseBackend } from '../src/backends/select.js';
import { readProcLimit, suggestedLimit, TswatchError } from '../src/errors.js';
import { inotifyUsage, type InotifyUsage } from '../src/inotify-usage.js';
import { probeFanotify, type FanotifyStatus } from '../src/backends/fanotify-probe.js';
import { inotifyCaveat, isRemoteFs, mountOfPath } from '../src/backends/mount-table.js';
import { countWatches, type WatchCount } from '../src/watch-budget.js';

type Limit = 'max_user_watches' | 'max_user_instances' | 'max_queued_events';

export interface PathReport {
  path: string;
  exists: boolean;
  fsType?: string;
  mountPoint?: string;
  backend?: string;
  /** Why inotify may miss changes there (network, FUSE, pseudo filesystems). */
  caveat?: string;
  /** Watches a recursive watch of the path takes. */
  budget?: WatchCount;
}

export interface Problem {
  message: string;
  /** Commands that fix it, in order. */
  fix: string[];
}

export interface DoctorReport {
  version: string;
  node: string;
  kernel: string;
  backend: { name: BackendName | 'none'; why: string };
  /** Whether `--backend fanotify` would work for these paths, and if not why. */
  fanotify: FanotifyStatus;
  limits: Record<Limit, number | undefined>;
  /** Held by this user's processes visible here (other user namespaces' processes are not counted). */
  usage: InotifyUsage & { uid: number };
  paths: PathReport[];
  problems: Problem[];
  ok: boolean;
}

/** Which backend tswatch will use and why (selectBackend's own choice, without opening anything). */
function backendChoice(problems: Problem[]): DoctorReport['backend'] {
  let choice: BackendChoice;
  try {
    choice = chooseBackend();
  } catch (err) {
    if (!(err instanceof TswatchError)) throw err;
    problems.push({ message: err.message, fix: err.hint ? [err.hint] : [] });
    return { name: 'none', why: err.message };
  }
  if (choice.name === 'inotify') return { name: 'inotify', why: `native addon ${choice.file}` };
  if (choice.name === 'poll') return { name: 'poll', why: 'TSWATCH_BACKEND=poll: chokidar polling, every path' };
  if (choice.name === 'fanotify') return { name: 'fanotify', why: 'TSWATCH_BACKEND=fanotify: filesystem marks (root only)' };
  if (choice.name === 'auto') return { name: 'auto', why: 'TSWATCH_BACKEND=auto: polling on network and FUSE mounts, inotify elsewhere' };
  if (choice.fallback === undefined) return { name: 'parcel', why: 'TSWATCH_BACKEND=parcel' };
  problems.push({ message: `native inotify addon unavailable: ${choice.fallback.error}`, fix: [choice.fallback.hint] });
  return { name: 'parcel', why: 'fallback: no open/close/access/attrib events, no paired moves' };
}

/** The sysctl commands raising `limits` now and for good (on the host, in a container). */
function sysctlFix(limits: Array<[Limit, number]>): string[] {
  return [
    ...limits.map(([name, value]) => `sudo sysctl fs.inotify.${name}=${value}`),
    `printf '%s\\n' ${limits.map(([name, value]) => `'fs.inotify.${name}=${value}'`).join(' ')} | sudo tee /etc/sysctl.d/60-tswatch.conf`,
  ];
}

/**
 * Everything `tswatch doctor` says: backend, inotify limits and use, and per path its filesystem and
 * the watches a recursive watch takes; problems with the commands that fix them.
 */
export function doctorReport(paths: readonly string[], version: string): DoctorReport {
  const problems: Problem[] = [];
  const backend = backendChoice(problems);
  const limits = {
    max_user_watches: readProcLimit('max_user_watches'),
    max_user_instances: readProcLimit('max_user_instances'),
    max_queued_events: readProcLimit('max_queued_events'),
  };
  const uid = process.getuid?.() ?? 0;
  const usage = { uid, ...inotifyUsage(uid) };
  const free = limits.max_user_watches === undefined ? Number.MAX_SAFE_INTEGER : Math.max(0, limits.max_user_watches - usage.watches);

  const reports = paths.map((given): PathReport => {
    const path = resolve(given);
    if (!existsSync(path)) {
      problems.push({ message: `${given}: no such file or directory`, fix: ['check the path (tswatch watches existing paths)'] });
      return { path, exists: false };
    }
    const mount = mountOfPath(path);
    const caveat = mount && inotifyCaveat(mount.fsType);
    return {
      path,
      exists: true,
      fsType: mount?.fsType,
      mountPoint: mount?.mountPoint,
      // auto polls exactly the paths on network and FUSE mounts (as AutoBackend decides).
      backend: backend.name === 'auto' ? (mount && isRemoteFs(mount.fsType) ? 'poll' : 'inotify') : backend.name,
      ...(caveat ? { caveat } : {}),
      // Counting stops somewhere: past what is free (it will not fit anyway) and a million (slow to count).
      budget: countWatches([path], true, undefined, Math.max(free, 1_000_000)),
    };
  });

  const existing = reports.filter((r) => r.exists).map((r) => r.path);
  const fanotify = probeFanotify(existing);
  if (backend.name === 'fanotify' && !fanotify.usable) problems.push({ message: fanotify.why, fix: fanotify.hint ? [fanotify.hint] : [] });

  const fixes: Array<[Limit, number]> = [];
  const needed = reports.reduce((sum, r) => sum + (r.budget?.watches ?? 0), 0);
  if (limits.max_user_watches !== undefined && needed > free) {
    const more = reports.some((r) => r.budget?.capped) ? 'more than ' : '';
    const value = suggestedLimit(limits.max_user_watches, usage.watches + needed);
    problems.push({
      message: `a recursive watch needs ${more}${needed} watches, ${free} are free (fs.inotify.max_user_watches = ${limits.max_user_watches}, ${usage.watches} in use)`,
      fix: [],
    });
    fixes.push(['max_user_watches', value]);
  }
  if (limits.max_user_instances !== undefined && usage.instances >= limits.max_user_instances) {
    problems.push({
      message: `all ${limits.max_user_instances} inotify instances of this user are in use (fs.inotify.max_user_instances); tswatch needs one`,
      fix: [],
    });
    fixes.push(['max_user_instances', suggestedLimit(limits.max_user_instances)]);
  }
  // One persisted file for every raised limit, attached to the last limit problem.
  if (fixes.length > 0) problems.at(-1)!.fix = sysctlFix(fixes);

  return {
    version,
    node: process.version,
    kernel: `${process.platform} ${release()} ${process.arch}`,
    backend,
    fanotify,
    limits,
    usage,
    paths: reports,
    problems,
    ok: problems.length === 0,
  };
}

/** The one-screen text form. */
export function formatDoctor(report: DoctorReport): string {
  const { limits, usage } = report;
  const lines = [
    `tswatch ${report.version}, Node ${report.node}, ${report.kernel}`,
    `backend     ${report.backend.name}: ${report.backend.why}`,
    `fanotify    ${report.fanotify.usable ? '' : 'not usable: '}${report.fanotify.why}`,
    ...(report.fanotify.usable || !report.fanotify.hint ? [] : [`            ${report.fanotify.hint}`]),
    `limits      max_user_watches ${limits.max_user_watches ?? '?'}, max_user_instances ${limits.max_user_instances ?? '?'}, max_queued_events ${limits.max_queued_events ?? '?'}`,
    `in use      ${usage.watches} watches in ${usage.instances} inotify instances (${usage.processes} processes of uid ${usage.uid}` +
      `${usage.unreadable > 0 ? `; ${usage.unreadable} more not readable from here` : ''})`,
  ];
  for (const path of report.paths) {
    if (!path.exists) {
      lines.push(`${path.path}  missing`);
      continue;
    }
    const budget = path.budget!;
    const watches = `${budget.capped ? 'more than ' : ''}${budget.watches} watch${budget.watches === 1 ? '' : 'es'}`;
    const unreadable = budget.unreadable > 0 ? ` (${budget.unreadable} unreadable directories not counted)` : '';
    lines.push(
      `${path.path}  ${path.fsType ?? 'unknown fs'} on ${path.mountPoint ?? '?'}, ${path.backend}; recursive watch: ${watches}${unreadable}`,
    );
    if (path.caveat) lines.push(`  note: ${path.caveat}`);
  }
  if (report.ok) {
    lines.push('all well');
  } else {
    lines.push(`${report.problems.length} problem${report.problems.length === 1 ? '' : 's'}:`);
    for (const problem of report.problems) lines.push(`  ${problem.message}`, ...problem.fix.map((fix) => `    ${fix}`));
  }
  return `${lines.join('\n')}\n`;
}
