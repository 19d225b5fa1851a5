import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { TswatchError } from '../src/index.js';
import { pidAlive } from '../recipes/process-identity.js';

/** True when `pid` is a live process that looks like tswatch (a reused pid running something else is not). */
function isRunningTswatch(pid: number): boolean {
  if (!pidAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('tswatch');
  } catch {
    return true; // alive but unreadable: assume it is ours rather than steal its pidfile
  }
}

/** The pid a pidfile names, or undefined if it holds none. */
export function readPidfile(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Create `path` holding our pid, atomically (O_EXCL). A pidfile left by a process that is gone (or by
 * a reused pid now running something else) is stale: it is replaced, and `onStale` says so. Returns
 * the release function, which removes the file only if it still names us.
 */
export function acquirePidfile(path: string, onStale: (pid: number | undefined) => void = () => {}): () => void {
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx', mode: 0o644 });
      break;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST' || attempt > 0) {
        throw new TswatchError(`cannot create pidfile '${path}': ${(err as Error).message}`, {
          code: code ?? 'EPIDFILE',
          path,
          cause: err,
          hint: 'choose a --pidfile in a directory this user can write (e.g. $XDG_RUNTIME_DIR)',
        });
      }
      const pid = readPidfile(path);
      if (pid !== undefined && pid !== process.pid && isRunningTswatch(pid)) {
        throw new TswatchError(`tswatch is already running as pid ${pid} (pidfile '${path}')`, {
          code: 'EALREADY',
          path,
          hint: `stop it first (tswatch ctl stop --pidfile ${path}, or kill ${pid}), or give another --pidfile`,
        });
      }
      onStale(pid);
      unlinkSync(path);
    }
  }
  return () => {
    if (readPidfile(path) !== process.pid) return;
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  };
}
