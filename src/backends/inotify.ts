import { errnoError, TswatchError } from '../errors.js';
import { fsDecode } from '../fs-names.js';
import { ALL_EVENTS, IN_IGNORED, IN_Q_OVERFLOW, IN_UNMOUNT, u32 } from '../masks.js';
import type { Backend, BackendStartOptions, RawEvent } from './backend.js';
import { loadNativeAddon, type NativeAddon, type NativeInotify } from './native-addon.js';

/** sizeof(struct inotify_event): wd, mask, cookie, len; then `len` bytes of NUL-padded name. */
const HEADER = 16;
/** The kernel writes the struct in host byte order. */
// os.endianness() without loading node:os (a start-up cost): the first byte of a 16-bit 1.
const LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Bytes read but not yet processed by JavaScript before the reader stops reading: 500k small records. */
const MAX_PENDING = 16 * 1024 * 1024;

/**
 * Records handed to the consumer at a time. A drain in a burst can hold megabytes (everything read
 * while JavaScript was busy): parsed whole, its records, events and output lines would all be alive at
 * once, pushed through every scavenge into the old generation. A slice of them dies young.
 */
export const SLICE_RECORDS = 1024;

/**
 * Split the bytes of reads into records (the kernel only returns whole ones): all of them, or the
 * `max` from byte `from` on; `parsed.end` is then where the next slice starts.
 */
export function parseEvents(buf: Buffer, from = 0, max = Infinity, parsed: { end: number } = { end: 0 }): RawEvent[] {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const events: RawEvent[] = [];
  let off = from;
  for (; off + HEADER <= buf.length && events.length < max; ) {
    const len = view.getUint32(off + 12, LE);
    const start = off + HEADER;
    const end = Math.min(start + len, buf.length);
    // Find the name's NUL padding, noting on the way whether it is plain ASCII (most names are: then
    // latin1 decoding is exact, and much cheaper per event than a UTF-8 check and a Buffer view).
    let stop = start;
    let ascii = true;
    for (; stop < end && buf[stop] !== 0; stop++) if (buf[stop]! >= 0x80) ascii = false;
    events.push({
      wd: view.getInt32(off, LE),
      mask: view.getUint32(off + 4, LE),
      cookie: view.getUint32(off + 8, LE),
      // Not lossy: a name that is not UTF-8 keeps its bytes as lone surrogates (see fsDecode).
      name: stop === start ? '' : ascii ? buf.toString('latin1', start, stop) : fsDecode(buf.subarray(start, stop)),
    });
    off = start + len;
  }
  parsed.end = off;
  return events;
}

/** The native addon, or a TswatchError saying why it cannot load. */
export function requireAddon(): NativeAddon {
  const loaded = loadNativeAddon();
  if ('error' in loaded) {
    throw new TswatchError(`native inotify addon unavailable: ${loaded.error}`, {
      code: 'ENOBACKEND',
      hint: loaded.hint,
    });
  }
  return loaded.addon;
}

/** The addon's IN_* constants, straight from <sys/inotify.h> (the mask table is checked against them). */
export function nativeConstants(): Readonly<Record<string, number>> {
  return requireAddon().constants;
}

/** A syscall failure from the addon (it carries an errno `code`) becomes a typed TswatchError. */
function mapError(err: unknown, op: string, path?: string): unknown {
  const e = err as NodeJS.ErrnoException;
  return typeof e?.code === 'string' ? errnoError(e, op, path) : err;
}

/** Kernel inotify through the native addon: every bit, cookies, overflow, in kernel order. */
export class InotifyBackend implements Backend {
  readonly name = 'inotify';
  readonly supportedMask = u32(ALL_EVENTS | IN_UNMOUNT | IN_Q_OVERFLOW | IN_IGNORED);
  static readonly nativeConstants = nativeConstants;
  private readonly ino: NativeInotify;
  private closed = false;

  /**
   * Opens the inotify fd now, as pyinotify's WatchManager does; EMFILE surfaces here. `fd`: adopt an
   * inotify fd inherited from another process instead, with its watches and its queue.
   */
  constructor(addon: NativeAddon = requireAddon(), options: { fd?: number } = {}) {
    try {
      this.ino = options.fd === undefined ? new addon.Inotify() : new addon.Inotify(options.fd);
    } catch (err) {
      throw mapError(err, 'inotify_init');
    }
  }

  /** The inotify file descriptor. */
  get fd(): number {
    return this.ino.fd();
  }

  addWatch(path: string, mask: number): number {
    try {
      return this.ino.addWatch(path, u32(mask));
    } catch (err) {
      throw mapError(err, 'inotify_add_watch', path);
    }
  }

  rmWatch(wd: number): void {
    try {
      this.ino.rmWatch(wd); // false: the kernel already dropped it (IN_IGNORED is on its way)
    } catch (err) {
      throw mapError(err, 'inotify_rm_watch');
    }
  }

  start(onBatch: (events: RawEvent[]) => void, onError: (err: Error) => void, options: BackendStartOptions = {}): void {
    this.ino.start(
      (chunk) => {
        if (this.closed) return;
        if (!Buffer.isBuffer(chunk)) return onError(errnoError(chunk, 'read'));
        // A throwing consumer must not take the reader's callback (and the process) down with it.
        // The consumer may close the backend half-way through a chunk: the rest is then dropped.
        const parsed = { end: 0 };
        while (!this.closed && parsed.end + HEADER <= chunk.length) {
          try {
            onBatch(parseEvents(chunk, parsed.end, SLICE_RECORDS, parsed));
          } catch (err) {
            onError(err instanceof Error ? err : new Error(String(err)));
          }
        }
      },
      {
        readFreqMs: Math.max(0, Math.round((options.readFreq ?? 0) * 1000)),
        threshold: Math.max(0, Math.floor(options.threshold ?? 0)),
        maxPending: MAX_PENDING,
      },
    );
  }

  pause(): void {
    this.ino.pause();
  }

  resume(): void {
    this.ino.resume();
  }

  /** inotify_add_watch is synchronous: a watch is live when addWatch returns. */
  ready(): Promise<void> {
    return Promise.resolve();
  }

  close(): void {
    this.closed = true;
    this.ino.close();
  }
}
