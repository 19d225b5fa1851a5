import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** inotify instances and watches held by one user's processes, as far as /proc lets us see. */
export interface InotifyUsage {
  instances: number;
  watches: number;
  /** Processes of the user holding at least one inotify instance. */
  processes: number;
  /** Processes of the user whose fds could not be read (another namespace, a race with exit). */
  unreadable: number;
}

/**
 * Count the inotify fds of every process of `uid` visible in /proc: each is an instance, each
 * `inotify wd:` line of its fdinfo a watch (the kernel charges both to the user).
 */
export function inotifyUsage(uid = process.getuid?.() ?? 0, proc = '/proc'): InotifyUsage {
  const usage: InotifyUsage = { instances: 0, watches: 0, processes: 0, unreadable: 0 };
  for (const pid of readdirSync(proc).filter((name) => /^\d+$/.test(name))) {
    try {
      const status = readFileSync(`${proc}/${pid}/status`, 'utf8');
      if (Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]) !== uid) continue;
      const held = processInotify(Number(pid), proc);
      usage.instances += held.instances;
      usage.watches += held.watches;
      if (held.instances > 0) usage.processes++;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') usage.unreadable++; // ENOENT: it exited meanwhile
    }
  }
  return usage;
}

/** The inotify instances and watches one process holds. Throws when its fds are not ours to read. */
export function processInotify(pid: number, proc = '/proc'): { instances: number; watches: number } {
  const held = { instances: 0, watches: 0 };
  for (const fd of readdirSync(`${proc}/${pid}/fd`)) {
    let target: string;
    try {
      target = readlinkSync(`${proc}/${pid}/fd/${fd}`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // closed meanwhile
      throw err; // not ours to read (another user namespace)
    }
    if (target !== 'anon_inode:inotify') continue;
    held.instances++;
    const info = readFileSync(`${proc}/${pid}/fdinfo/${fd}`, 'utf8');
    held.watches += info.split('\n').filter((line) => line.startsWith('inotify wd:')).length;
  }
  return held;
}
