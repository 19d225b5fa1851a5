import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nodeGypBuild from 'node-gyp-build';

/** Options of `Inotify.start()`, as the native reader takes them. */
export interface NativeStartOptions {
  /** Wait this long after each read (pyinotify's read_freq, in ms). */
  readFreqMs: number;
  /** Read only once the kernel queue holds this many bytes (pyinotify's threshold). */
  threshold: number;
  /** Bytes read but not yet taken by JS before the reader stops reading (it reads at least once). */
  maxPending: number;
}

/** One inotify fd and its reader thread (native/inotify.cc, on native/reader-thread.cc). */
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
  /** The inotify file descriptor (to hand to a child process). */
  fd(): number;
}

/** One fanotify fd with filesystem marks, and its reader thread (native/fanotify.cc, on native/reader-thread.cc). */
export interface NativeFanotify {
  /** The object's identity as events carry it (fsid, handle type, handle); name_to_handle_at's errors. */
  handle(path: string, follow: boolean): Buffer;
  /** Add a filesystem mark on path's filesystem for these IN_* bits (added to those it has). */
  mark(path: string, mask: number): void;
  /** Report events on the object `key` to `wd` (and a directory's own events to its parent, by name). */
  setWatch(key: Buffer, wd: number, mask: number, isDir: boolean, parentKey: Buffer | undefined, name: string): void;
  clearWatch(key: Buffer): void;
  /**
   * The watched directory `key` (at `path`, on the mount at `mountPoint`) is the top of a tree learnt
   * lazily: its directories are met by events.
   */
  watchTree(key: Buffer, path: string, mountPoint: string): void;
  /** Forget a directory the reader met (by its wd): it is not met again unless moved. */
  forgetMet(wd: number): void;
  /** `callback` gets records for watched objects only (see fanotify-records.ts), or once an Error. */
  start(callback: (chunk: Buffer | NodeJS.ErrnoException) => void, options: { maxPending: number }): void;
  pause(): void;
  resume(): void;
  close(): void;
}

export interface NativeAddon {
  /** A fresh inotify instance, or (given an fd) one inherited from another process. */
  Inotify: new (
    fd?: number,
  ) => NativeInotify;
  /** IN_* values from <sys/inotify.h>, unsigned. */
  constants: Readonly<Record<string, number>>;
  /** A fresh fanotify instance (fanotify_init; marks come with `mark`). */
  Fanotify: new () => NativeFanotify;
  /** The package version it was built for (binding.gyp compiles it in from package.json). */
  version: string;
  /**
   * lstat of each name in dir into `out`, 8 numbers a name (mode, size, mtimeMs, uid, gid, dev, ino,
   * errno: 0 when read); native/lstat-names.cc. Missing from an addon built before it.
   */
  lstatNames?: (dir: string, names: readonly string[], out: Float64Array) => void;
  /**
   * readdir and lstat of every entry of dir, on libuv's thread pool: the names, their d_type and
   * lstatNames' numbers; the errno when dir cannot be opened or read. Missing from an addon built before it.
   */
  listStats?: (dir: string) => Promise<{ names: string[]; types: Uint8Array; stats: Float64Array } | number>;
}

const REBUILD = 'rebuild it with `npm rebuild tswatch` (needs python3, make and a C++ compiler)';

/** The tswatch package root and version: the nearest ancestor holding a package.json named tswatch. */
function packageRoot(): { dir: string; version: string } | undefined {
  // Compiled, this file sits in dist/src/backends; from source (ts-node, bundlers) it may sit elsewhere.
  for (let dir = dirname(fileURLToPath(import.meta.url)), up = dirname(dir); ; dir = up, up = dirname(up)) {
    const manifest = join(dir, 'package.json');
    try {
      const pkg = existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown; version?: unknown }) : {};
      if (pkg.name === 'tswatch') return { dir, version: String(pkg.version) };
    } catch {
      // unreadable or malformed manifest: keep walking up
    }
    if (up === dir) return undefined;
  }
}

/** The addon, or why it cannot be used (`error`) and what to do about it (`hint`). */
export type LoadedAddon = { addon: NativeAddon; file: string } | { error: string; hint: string };

let cached: LoadedAddon | undefined;

/**
 * Load the native inotify addon, or say why it cannot be used and what to do. Never throws: the caller
 * falls back to another backend. `TSWATCH_NO_NATIVE=1` pretends it is missing (fallback tests, debugging).
 */
export function loadNativeAddon(): LoadedAddon {
  if (process.env.TSWATCH_NO_NATIVE === '1') return { error: 'disabled by TSWATCH_NO_NATIVE=1', hint: 'unset TSWATCH_NO_NATIVE' };
  cached ??= load();
  return cached;
}

function load(): LoadedAddon {
  const fail = (error: string, hint = REBUILD) => ({ error, hint });
  if (process.platform !== 'linux') return fail(`inotify is Linux-only, this is ${process.platform}`, 'tswatch needs Linux');
  const root = packageRoot();
  if (root === undefined) return fail('tswatch package root not found', 'reinstall tswatch');
  const require = createRequire(import.meta.url);
  // node-gyp-build picks build/Release (built from source) first, then prebuilds/<platform>-<arch>/
  // (shipped in the package, libc-tagged; N-API, so any Node ABI matches).
  let file: string;
  try {
    file = nodeGypBuild.resolve(root.dir);
  } catch {
    return fail(`no addon for ${process.platform}-${process.arch} in ${root.dir} (prebuilt only for linux-x64 glibc)`);
  }
  try {
    const addon = require(file) as NativeAddon;
    if (typeof addon.Inotify !== 'function' || typeof addon.constants !== 'object') return fail(`${file} is not the tswatch addon`);
    if (addon.version !== root.version) {
      const built = addon.version === undefined ? 'an older tswatch (no version compiled in)' : `tswatch ${addon.version}`;
      return fail(`${file} was built for ${built}, this is tswatch ${root.version}`);
    }
    return { addon, file };
  } catch (err) {
    return fail(`${file} failed to load: ${(err as Error).message}`);
  }
}
