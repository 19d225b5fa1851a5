import { lstatSync, mkdirSync, readFileSync, type Stats, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { fsDecode, fsPath, TswatchError } from '../../src/index.js';

/** One trash directory: `info/` and `files/` below `path`. */
export interface TrashDir {
  path: string;
  /** undefined for the home trash (Path= absolute); else the volume's top directory (Path= relative). */
  topDir: string | undefined;
}

export interface TrashEnv {
  HOME?: string | undefined;
  XDG_DATA_HOME?: string | undefined;
}

/** `$XDG_DATA_HOME/Trash`, default `~/.local/share/Trash`. A relative XDG_DATA_HOME is ignored, as the XDG spec says. */
export function homeTrashPath(env: TrashEnv): string {
  const xdg = env.XDG_DATA_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'Trash');
  return join(env.HOME || homedir(), '.local', 'share', 'Trash');
}

/** st_dev of `path`, or of its nearest existing ancestor (the home trash may not exist yet). */
export function deviceOf(path: string): number {
  for (let p = path; ; p = dirname(p)) {
    try {
      return statSync(fsPath(p)).dev;
    } catch (err) {
      if (p === dirname(p)) throw err;
    }
  }
}

/** The mount point holding `dir` (a real path): the last ancestor on the same device, as os.path.ismount walks it. */
export function topDirOf(dir: string): string {
  const dev = statSync(fsPath(dir)).dev;
  let top = dir;
  while (top !== dirname(top) && statSync(fsPath(dirname(top))).dev === dev) top = dirname(top);
  return top;
}

/** `$topdir/.Trash` qualifies only as a real directory (not a symlink) with the sticky bit set. */
export function isSharedTrashValid(sharedTrash: string): boolean {
  try {
    const st = lstatSync(fsPath(sharedTrash));
    return st.isDirectory() && (st.mode & 0o1000) !== 0; // S_ISVTX, the sticky bit;
  } catch {
    return false;
  }
}

/** A directory we own and that is not a symlink, created 0700 if missing; false if that cannot be had. */
function ensureOwnDir(path: string, uid: number): boolean {
  try {
    mkdirSync(fsPath(path), { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return false;
  }
  try {
    const st = lstatSync(fsPath(path));
    return st.isDirectory() && st.uid === uid;
  } catch {
    return false;
  }
}

/**
 * The volume trash for a file under `topDir`, per the spec: `$topdir/.Trash/$uid` when `.Trash` is a
 * sticky, non-symlink directory, else `$topdir/.Trash-$uid`; undefined if neither can be used.
 */
export function volumeTrashFor(topDir: string, uid: number): TrashDir | undefined {
  const shared = join(topDir, '.Trash');
  if (isSharedTrashValid(shared) && ensureOwnDir(join(shared, String(uid)), uid)) {
    return { path: join(shared, String(uid)), topDir };
  }
  const own = join(topDir, `.Trash-${uid}`);
  return ensureOwnDir(own, uid) ? { path: own, topDir } : undefined;
}

/** The top directory a volume trash's relative Path= values start from: `$top/.Trash-$uid`, `$top/.Trash/$uid`. */
export function volumeTopDir(trashDir: string): string {
  if (/^\.Trash-\d+$/.test(basename(trashDir))) return dirname(trashDir);
  if (basename(dirname(trashDir)) === '.Trash') return dirname(dirname(trashDir));
  return topDirOf(trashDir);
}

/** Undo the octal escapes (`\040` for a space) of /proc/self/mountinfo. */
function unescapeMount(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Every mount point this process sees. */
export function mountPoints(): string[] {
  let text: string;
  try {
    text = fsDecode(readFileSync('/proc/self/mountinfo')); // a mount point's name need not be UTF-8
  } catch (err) {
    throw new TswatchError('cannot read /proc/self/mountinfo to find the volume trash directories', {
      code: (err as NodeJS.ErrnoException).code ?? 'EIO',
      cause: err,
      hint: 'tswatch trash needs Linux with /proc mounted',
    });
  }
  const points = text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => unescapeMount(line.split(' ')[4] ?? '/'));
  return [...new Set(points)];
}

/** The home trash, then each existing volume trash, each real directory once. */
export function allTrashDirs(env: TrashEnv, uid: number): TrashDir[] {
  const dirs: TrashDir[] = [{ path: homeTrashPath(env), topDir: undefined }];
  for (const top of mountPoints()) {
    const shared = join(top, '.Trash');
    if (isSharedTrashValid(shared)) dirs.push({ path: join(shared, String(uid)), topDir: top });
    dirs.push({ path: join(top, `.Trash-${uid}`), topDir: top });
  }
  const seen = new Set<string>();
  return dirs.filter((dir) => {
    let st: Stats;
    try {
      st = lstatSync(fsPath(dir.path));
    } catch {
      return false;
    }
    if (!st.isDirectory()) return false;
    const key = `${st.dev}:${st.ino}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
