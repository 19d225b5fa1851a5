import { TswatchError } from '../errors.js';
import { ALL_EVENTS, maskname } from '../masks.js';
import { AutoBackend } from './auto.js';
import type { Backend } from './backend.js';
import { FanotifyBackend } from './fanotify.js';
import { InotifyBackend } from './inotify.js';
import { loadNativeAddon, type NativeAddon } from './native-addon.js';
import { ParcelBackend } from './parcel.js';
import { PollBackend } from './poll.js';

import { BACKEND_NAMES, type BackendName } from './backend-names.js';

export { BACKEND_NAMES, type BackendName };

export interface SelectOptions {
  /** Milliseconds between polls of one path, for the poll backend (and auto's polled mounts). */
  pollInterval?: number;
}

/** What the local (non-polling) choice comes to: native inotify, or @parcel/watcher. */
type LocalChoice =
  | { name: 'inotify'; addon: NativeAddon; file: string }
  /** `fallback`: the native addon was wanted but is unavailable (why, and what to do). */
  | { name: 'parcel'; fallback?: { error: string; hint: string } };

/** Which backend a new WatchManager gets, decided without opening anything. */
export type BackendChoice = LocalChoice | { name: 'fanotify' } | { name: 'poll' } | { name: 'auto' };

const isBackendName = (name: string): name is BackendName => (BACKEND_NAMES as readonly string[]).includes(name);

/**
 * The backend by name (`TSWATCH_BACKEND` when none is given): `inotify` the native addon (an error if it
 * cannot load), `fanotify` filesystem marks (root only; an error saying why not, never a fallback), `parcel` @parcel/watcher, `poll` chokidar polling, `auto` polling on network and FUSE
 * mounts and the default elsewhere; none: native inotify, falling back to @parcel/watcher.
 */
export function chooseBackend(wanted?: string): BackendChoice {
  const name = wanted ?? (process.env.TSWATCH_BACKEND || undefined);
  if (name !== undefined && !isBackendName(name)) {
    const from = wanted === undefined ? ' (from TSWATCH_BACKEND)' : '';
    throw new TswatchError(`unknown backend '${name}'${from}`, {
      code: 'EBADBACKEND',
      hint: `valid backends: ${BACKEND_NAMES.join(', ')}`,
    });
  }
  if (name === 'parcel' || name === 'poll' || name === 'auto' || name === 'fanotify') return { name };
  return localChoice(name === 'inotify');
}

function localChoice(forced: boolean): LocalChoice {
  const loaded = loadNativeAddon();
  if ('addon' in loaded) return { name: 'inotify', addon: loaded.addon, file: loaded.file };
  if (forced) {
    throw new TswatchError(`native inotify backend unavailable: ${loaded.error}`, {
      code: 'ENOBACKEND',
      hint: `${loaded.hint}, or choose TSWATCH_BACKEND=parcel or poll`,
    });
  }
  return { name: 'parcel', fallback: loaded };
}

let warned = false;

/** The local backend chosen; falling back to @parcel/watcher warns once, naming what it cannot deliver. */
function localBackend(choice: LocalChoice): Backend {
  if (choice.name === 'inotify') return new InotifyBackend(choice.addon);
  const backend = new ParcelBackend();
  if (!warned && choice.fallback) {
    warned = true;
    const missing = maskname(ALL_EVENTS & ~backend.supportedMask).replaceAll('|', ', ');
    process.emitWarning(
      `native inotify addon unavailable (${choice.fallback.error}); using @parcel/watcher, which cannot deliver: ${missing}; to get them, ${choice.fallback.hint}`,
      { type: 'TswatchWarning', code: 'TSWATCH_FALLBACK' },
    );
  }
  return backend;
}

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

/** The backend for a new WatchManager (see chooseBackend). */
export function selectBackend(name?: string, options: SelectOptions = {}): Backend {
  const choice = chooseBackend(name);
  const poll = (): Backend => new PollBackend({ interval: options.pollInterval ?? envPollInterval() });
  switch (choice.name) {
    case 'poll':
      return poll();
    case 'fanotify':
      return new FanotifyBackend();
    case 'auto':
      return new AutoBackend({ local: () => localBackend(localChoice(false)), remote: poll });
    default:
      return localBackend(choice);
  }
}
