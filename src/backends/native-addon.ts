import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Options of `Inotify.start()`, as the native reader takes them. */
export interface NativeStartOptions {
  /** Wait this long after each read (pyinotify's read_freq, in ms). */
  readFreqMs: number;
  /** Read only once the kernel queue holds this many bytes (pyinotify's threshold). */
  threshold: number;
  /** Bytes read but not yet taken by JS before the reader stops reading (it reads at least once). */
  maxPending: number;
}

/** One inotify fd and its reader thread (native/inotify.cc). */
export interface NativeInotify {
  /** inotify_add_watch; throws an Error with `code` (errno name), `errno`, `syscall`, `path`. */
  addWatch(path: string, mask: number): number;
  /** inotify_rm_watch; false when the kernel had already dropped the watch. */
  rmWatch(wd: number): boolean;
  /**
   * Start the reader: `callback` gets the bytes of each read() (whole inotify_event records), or once,
   * an Error if reading failed for good.
   */
  start(callback: (chunk: Buffer | NodeJS.ErrnoException) => void, options: NativeStartOptions): void;
  pause(): void;
  resume(): void;
  close(): void;
}

export interface NativeAddon {
  Inotify: new () => NativeInotify;
  /** IN_* values from <sys/inotify.h>, unsigned. */
  constants: Readonly<Record<string, number>>;
}

export const ADDON_FILE = join('build', 'Release', 'tswatch_inotify.node');

/** The tswatch package root: the nearest ancestor holding a package.json named tswatch. */
function packageRoot(): string | undefined {
  // Compiled, this file sits in dist/src/backends; from source (ts-node, bundlers) it may sit elsewhere.
  for (let dir = dirname(fileURLToPath(import.meta.url)), up = dirname(dir); ; dir = up, up = dirname(up)) {
    const manifest = join(dir, 'package.json');
    try {
      if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'tswatch') return dir;
    } catch {
      // unreadable or malformed manifest: keep walking up
    }
    if (up === dir) return undefined;
  }
}

let cached: { addon: NativeAddon } | { error: string } | undefined;

/**
 * Load the native inotify addon, or say why it cannot be used. Never throws: the caller falls back to
 * another backend. `TSWATCH_NO_NATIVE=1` pretends it is missing (fallback tests, debugging).
 */
export function loadNativeAddon(): { addon: NativeAddon } | { error: string } {
  if (process.env.TSWATCH_NO_NATIVE === '1') return { error: 'disabled by TSWATCH_NO_NATIVE=1' };
  return (cached ??= load());
}

function load(): { addon: NativeAddon } | { error: string } {
  if (process.platform !== 'linux') return { error: `inotify is Linux-only, this is ${process.platform}` };
  const root = packageRoot();
  if (root === undefined) return { error: 'tswatch package root not found' };
  const file = join(root, ADDON_FILE);
  if (!existsSync(file)) return { error: `${file} not built` };
  try {
    const addon = createRequire(import.meta.url)(file) as NativeAddon;
    if (typeof addon.Inotify !== 'function' || typeof addon.constants !== 'object') return { error: `${file} is not the tswatch addon` };
    return { addon };
  } catch (err) {
    return { error: `${file} failed to load: ${(err as Error).message}` };
  }
}
