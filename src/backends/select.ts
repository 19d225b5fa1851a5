import { TswatchError } from '../errors.js';
import { ALL_EVENTS, maskname } from '../masks.js';
import type { Backend } from './backend.js';
import { InotifyBackend } from './inotify.js';
import { loadNativeAddon } from './native-addon.js';
import { ParcelBackend } from './parcel.js';

export type BackendName = 'inotify' | 'parcel';

let warned = false;

/**
 * The backend for a new WatchManager: native inotify when the addon loads, else @parcel/watcher with one
 * warning naming the events it cannot deliver. `TSWATCH_BACKEND` (or `name`) forces one.
 */
export function selectBackend(name: string | undefined = process.env.TSWATCH_BACKEND || undefined): Backend {
  if (name !== undefined && name !== 'inotify' && name !== 'parcel') {
    throw new TswatchError(`unknown backend '${name}'`, { code: 'EBADBACKEND', hint: 'valid backends: inotify, parcel' });
  }
  const loaded = name === 'parcel' ? { error: 'parcel backend requested', hint: '' } : loadNativeAddon();
  if ('addon' in loaded) return new InotifyBackend(loaded.addon);
  if (name === 'inotify') {
    throw new TswatchError(`native inotify backend unavailable: ${loaded.error}`, {
      code: 'ENOBACKEND',
      hint: loaded.hint,
    });
  }
  const backend = new ParcelBackend();
  if (!warned && name === undefined) {
    warned = true;
    const missing = maskname(ALL_EVENTS & ~backend.supportedMask).replaceAll('|', ', ');
    process.emitWarning(
      `native inotify addon unavailable (${loaded.error}); using @parcel/watcher, which cannot deliver: ${missing}; to get them, ${loaded.hint}`,
      { type: 'TswatchWarning', code: 'TSWATCH_FALLBACK' },
    );
  }
  return backend;
}
