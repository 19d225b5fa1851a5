import { TswatchError } from '../errors.js';
import { AutoBackend } from './auto.js';
import type { Backend } from './backend.js';
import { InotifyBackend } from './inotify.js';
import { loadNativeAddon } from './native-addon.js';
import { ParcelBackend } from './parcel.js';
import { PollBackend } from './poll.js';

export const BACKEND_NAMES = ['inotify', 'parcel', 'poll', 'auto'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export interface SelectOptions {
  /** Milliseconds between polls of one path, for the poll backend (and auto's polled mounts). */
  pollInterval?: number;
}

let warned = false;

const isBackendName = (name: string): name is BackendName => (BACKEND_NAMES as readonly string[]).includes(name);

/** `TSWATCH_POLL_INTERVAL` as a number, or a clear error. */
function envPollInterval(): number | undefined {
  const raw = process.env.TSWATCH_POLL_INTERVAL;
  if (raw === undefined || raw === '') return undefined;
  const ms = Number(raw);
  if (!(Number.isFinite(ms) && ms > 0)) {
    throw new TswatchError(`TSWATCH_POLL_INTERVAL='${raw}' is not a positive number of milliseconds`, {
      code: 'EBADPOLL',
      hint: 'set it to the milliseconds between polls, e.g. TSWATCH_POLL_INTERVAL=500, or unset it',
    });
  }
  return ms;
}

/** Native inotify when the addon loads, else @parcel/watcher with one warning. */
function localBackend(forced: boolean): Backend {
  const loaded = loadNativeAddon();
  if ('addon' in loaded) return new InotifyBackend(loaded.addon);
  if (forced) {
    throw new TswatchError(`native inotify backend unavailable: ${loaded.error}`, {
      code: 'ENOBACKEND',
      hint: 'rebuild it with `npm rebuild tswatch` (needs python3, make and a C++ compiler), or choose --backend parcel or poll',
    });
  }
  if (!warned) {
    warned = true;
    process.emitWarning(`native inotify addon unavailable (${loaded.error}); using @parcel/watcher instead`, {
      type: 'TswatchWarning',
      code: 'TSWATCH_FALLBACK',
    });
  }
  return new ParcelBackend();
}

/**
 * The backend for a new WatchManager, by name (`TSWATCH_BACKEND` when none is given):
 * - `inotify`: the native addon, or an error saying why it cannot load;
 * - `parcel`: @parcel/watcher; `poll`: chokidar polling every `pollInterval` ms;
 * - `auto`: polling for paths on network and FUSE mounts, the default backend elsewhere;
 * - none: native inotify, falling back to @parcel/watcher with one warning.
 */
export function selectBackend(name: string | undefined = process.env.TSWATCH_BACKEND || undefined, choice: SelectOptions = {}): Backend {
  if (name !== undefined && !isBackendName(name)) {
    throw new TswatchError(`unknown backend '${name}'`, { code: 'EBADBACKEND', hint: `valid backends: ${BACKEND_NAMES.join(', ')}` });
  }
  const interval = choice.pollInterval ?? envPollInterval();
  const poll = () => new PollBackend({ interval });
  switch (name) {
    case 'parcel':
      return new ParcelBackend();
    case 'poll':
      return poll();
    case 'auto':
      return new AutoBackend({ local: () => localBackend(false), remote: poll });
    default:
      return localBackend(name === 'inotify');
  }
}
