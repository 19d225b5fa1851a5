import { readFileSync } from 'node:fs';

/**
 * `PID-START`: one process, never a later one that got the same pid (START is when the kernel started
 * it, in clock ticks since boot: field 22 of /proc/PID/stat). Undefined when there is no such process.
 */
export function processIdentity(pid = process.pid): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from after its last ')'.
    const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    return start === undefined ? undefined : `${pid}-${start}`;
  } catch {
    return undefined;
  }
}

/** Whether the process an identity names is still running. */
export function identityAlive(identity: string): boolean {
  const pid = Number.parseInt(identity, 10);
  return Number.isInteger(pid) && processIdentity(pid) === identity;
}
