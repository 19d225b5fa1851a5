import { readFileSync } from 'node:fs';
import { release, userInfo } from 'node:os';

/** Why fanotify cannot be used here, and what to do instead. */
export interface FanotifyProblem {
  code: 'EPERM' | 'ENOSYS' | 'EOPNOTSUPP';
  reason: string;
  hint: string;
}

/** The fallback every fanotify problem names. */
export const INOTIFY_FALLBACK = 'use the inotify backend instead (the default: drop --backend fanotify, or TSWATCH_BACKEND=inotify)';

/** CAP_SYS_ADMIN's bit in /proc/self/status's CapEff. */
const CAP_SYS_ADMIN = 21n;

function who(): string {
  const uid = process.getuid?.() ?? -1;
  let name = String(uid);
  try {
    name = `${userInfo().username} (uid ${uid})`;
  } catch {
    // no passwd entry: the uid says enough
  }
  return name;
}

/** True when this process is in the initial user namespace (its uid map is the identity on all uids). */
function inInitialUserNamespace(): boolean {
  try {
    return /^\s*0\s+0\s+4294967295\s*$/.test(readFileSync('/proc/self/uid_map', 'utf8'));
  } catch {
    return true; // no /proc: let the syscall say
  }
}

/**
 * What stops fanotify filesystem marks in this process, or undefined when nothing known does (a given
 * filesystem may still lack file handles: that shows when it is marked). Reads /proc only.
 */
export function fanotifyProblem(): FanotifyProblem | undefined {
  if (process.platform !== 'linux')
    return { code: 'ENOSYS', reason: `fanotify is Linux-only, this is ${process.platform}`, hint: INOTIFY_FALLBACK };
  const [major = 0, minor = 0] = release()
    .split('.')
    .map((n) => Number.parseInt(n, 10));
  if (major < 5 || (major === 5 && minor < 17)) {
    return {
      code: 'ENOSYS',
      reason: `kernel ${release()} lacks FAN_RENAME and FAN_REPORT_TARGET_FID (Linux 5.17 or later)`,
      hint: INOTIFY_FALLBACK,
    };
  }
  let capEff = 0n;
  try {
    const line = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    capEff = line ? BigInt(`0x${line[1]}`) : 0n;
  } catch {
    return undefined;
  }
  if (!((capEff >> CAP_SYS_ADMIN) & 1n)) {
    return {
      code: 'EPERM',
      reason: `fanotify filesystem marks need root (CAP_SYS_ADMIN); running as ${who()} without it`,
      hint: `${INOTIFY_FALLBACK}, or run as root`,
    };
  }
  if (!inInitialUserNamespace()) {
    return {
      code: 'EPERM',
      reason:
        'fanotify filesystem marks need CAP_SYS_ADMIN in the initial user namespace; this process runs in a user namespace (a rootless container?)',
      hint: INOTIFY_FALLBACK,
    };
  }
  return undefined;
}
