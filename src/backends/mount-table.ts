import { readFileSync, realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export interface Mount {
  mountPoint: string;
  fsType: string;
  source: string;
}

/**
 * Filesystems where inotify only sees changes made through this kernel: a remote host, the FUSE
 * daemon or a VM host changes files behind its back. Polling is the only way to notice those.
 */
const REMOTE_TYPES = new Set([
  'nfs',
  'nfs4',
  'cifs',
  'smb3',
  'smbfs',
  '9p',
  'afs',
  'ceph',
  'glusterfs',
  'lustre',
  'gpfs',
  'ncpfs',
  'coda',
  'davfs',
  'virtiofs',
  'vboxsf',
  'vmhgfs',
  'fuse',
]);

/** True for a filesystem type where inotify misses changes (network, FUSE, VM shares). */
export function isRemoteFs(fsType: string): boolean {
  // fuseblk is a local block device (ntfs-3g, exfat): the kernel sees every write through it.
  return REMOTE_TYPES.has(fsType) || (fsType.startsWith('fuse.') && fsType !== 'fuseblk');
}

/** Pseudo filesystems whose files change without inotify events. */
const PSEUDO = /^(proc|sysfs|cgroup2?|debugfs|tracefs|securityfs|configfs|devpts|mqueue|bpf|pstore)$/;

/** Why inotify may miss changes on this filesystem type, or undefined when it sees them all. */
export function inotifyCaveat(fsType: string): string | undefined {
  if (isRemoteFs(fsType))
    return `${fsType} is a network or FUSE filesystem: inotify reports only changes made through this machine, not by other clients or the server`;
  if (PSEUDO.test(fsType)) return `${fsType} is a pseudo filesystem: its files change without inotify events`;
  return undefined;
}

/** mountinfo escapes space, tab, newline and backslash in paths as octal (`\040`). */
const unescapeOctal = (field: string): string => field.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));

/**
 * Parse /proc/self/mountinfo (proc(5)): `id parent maj:min root mountpoint options [optional…] - fstype
 * source superoptions`. Lines that do not have that shape are skipped.
 */
export function parseMountinfo(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    const dash = fields.indexOf('-', 6);
    if (dash === -1 || fields.length < dash + 3) continue;
    mounts.push({ mountPoint: unescapeOctal(fields[4]!), fsType: fields[dash + 1]!, source: unescapeOctal(fields[dash + 2]!) });
  }
  return mounts;
}

/** The mount `path` lies on: the last-mounted one with the longest mount point containing it. */
export function mountOf(path: string, mounts: readonly Mount[]): Mount | undefined {
  let best: Mount | undefined;
  for (const mount of mounts) {
    const mp = mount.mountPoint;
    const inside = path === mp || mp === '/' || path.startsWith(`${mp}/`);
    // Later lines are mounted on top of earlier ones at the same point: they win ties.
    if (inside && (best === undefined || mp.length >= best.mountPoint.length)) best = mount;
  }
  return best;
}

/** The real path of `path`, or of its nearest existing ancestor (a watch may name a missing path). */
function realPathOf(path: string): string {
  for (let p = resolve(path); ; p = dirname(p)) {
    try {
      return p === resolve(path) ? realpathSync(p) : resolve(realpathSync(p), resolve(path).slice(p.length + 1));
    } catch {
      if (dirname(p) === p) return resolve(path);
    }
  }
}

/** The mount table of this process, read fresh (mounts come and go) or from `text` (tests). */
export function readMounts(text?: string): Mount[] {
  try {
    return parseMountinfo(text ?? readFileSync('/proc/self/mountinfo', 'utf8'));
  } catch {
    return []; // no /proc (a minimal container): every path counts as local
  }
}

/** The mount holding `path`, from the live mount table unless `mounts` is given. */
export function mountOfPath(path: string, mounts: readonly Mount[] = readMounts()): Mount | undefined {
  return mountOf(realPathOf(path), mounts);
}
