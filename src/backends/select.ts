import { TswatchError } from '../errors.js';
import { ALL_EVENTS, maskname } from '../masks.js';
import type { Backend } from './backend.js';
import { InotifyBackend } from './inotify.js';
import { loadNativeAddon, type NativeAddon } from './native-addon.js';
import { ParcelBackend } from './parcel.js';

export type BackendName = 'inotify' | 'parcel';

/** Which backend a new WatchManager gets, decided without opening anything. */
export type BackendChoice =
  | { name: 'inotify'; addon: NativeAddon; file: string }
  /** `fallback`: the native addon was wanted but is unavailable (why, and what to do). */
  | { name: 'parcel'; fallback?: { error: string; hint: string } };

/**
 * Native inotify when the addon loads, else @parcel/watcher. `TSWATCH_BACKEND` (or `name`) forces one:
 * an unknown name, or inotify without the addon, throws.
 */
export function chooseBackend(wanted?: string): BackendChoice {
  const name = wanted ?? (process.env.TSWATCH_BACKEND || undefined);
  if (name !== undefined && name !== 'inotify' && name !== 'parcel') {
    const from = wanted === undefined ? ' (from TSWATCH_BACKEND)' : '';
    throw new TswatchError(`unknown backend '${name}'${from}`, { code: 'EBADBACKEND', hint: 'valid backends: inotify, parcel' });
  }
  if (name === 'parcel') return { name: 'parcel' };
  const loaded = loadNativeAddon();
  if ('addon' in loaded) return { name: 'inotify', addon: loaded.addon, file: loaded.file };
  if (name === 'inotify') {
    throw new TswatchError(`native inotify backend unavailable: ${loaded.error}`, { code: 'ENOBACKEND', hint: loaded.hint });
  }
  return { name: 'parcel', fallback: loaded };
}

let warned = false;

/**
 * The backend for a new WatchManager (see chooseBackend); falling back to @parcel/watcher warns once,
 * naming the events it cannot deliver.
 */
export function selectBackend(name?: string): Backend {
  const choice = chooseBackend(name);
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
