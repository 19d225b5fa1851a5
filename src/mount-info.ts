import { readFileSync, realpathSync } from 'node:fs';
import { dirname } from 'node:path';

/** The mount a path lives on, from /proc/self/mountinfo (proc(5)). */
export interface MountInfo {
  mountPoint: string;
  /** As the kernel names it: ext4, tmpfs, nfs4, fuse.sshfs, overlay… */
  fsType: string;
  source: string;
}

/** Filesystems where inotify only sees changes made through this kernel, not by other machines. */
const REMOTE = /^(nfs4?|cifs|smb3|smbfs|ncpfs|9p|afs|ceph|glusterfs|gfs2|ocfs2|lustre|virtiofs|fuse\..*|fuse)$/;
/** Pseudo filesystems whose files change without inotify events. */
const PSEUDO = /^(proc|sysfs|cgroup2?|debugfs|tracefs|securityfs|configfs|devpts|mqueue|bpf|pstore)$/;

/** Why inotify may miss changes on this filesystem type, or undefined when it sees them all. */
export function inotifyCaveat(fsType: string): string | undefined {
  if (REMOTE.test(fsType)) return `${fsType} is a network or FUSE filesystem: inotify reports only changes made through this machine, not by other clients or the server`;
  if (PSEUDO.test(fsType)) return `${fsType} is a pseudo filesystem: its files change without inotify events`;
  return undefined;
}

/** mountinfo escapes space, tab, newline and backslash as \\ooo. */
const unescape = (field: string) => field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));

/** The mount holding `path` (the longest mount point above its real path), or undefined if unknown. */
export function mountOf(path: string, mountinfo = '/proc/self/mountinfo'): MountInfo | undefined {
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    real = realpathSync(dirname(path)); // a path about to be created: its parent's mount
  }
  let best: MountInfo | undefined;
  for (const line of readFileSync(mountinfo, 'utf8').split('\n')) {
    // id parent major:minor root mountpoint options [optional fields…] - fstype source superoptions
    const [left = '', right = ''] = line.split(' - ');
    const mountPoint = unescape(left.split(' ')[4] ?? '');
    const [fsType = '', source = ''] = right.split(' ');
    if (!mountPoint || !fsType) continue;
    const inside = mountPoint === '/' || real === mountPoint || real.startsWith(`${mountPoint}/`);
    // Later lines are mounted on top of earlier ones at the same point: >= keeps the last.
    if (inside && (best === undefined || mountPoint.length >= best.mountPoint.length)) best = { mountPoint, fsType, source: unescape(source) };
  }
  return best;
}
