import { TswatchError } from '../errors.js';
import { IN_CREATE } from '../masks.js';
import { FanotifyBackend } from './fanotify.js';

/** Whether the fanotify backend works here, for these paths, and if not why (for `tswatch doctor`). */
export interface FanotifyStatus {
  usable: boolean;
  why: string;
  hint?: string;
}

/**
 * Try what the fanotify backend would do: open an instance and mark each path's filesystem (the marks
 * go with the instance, closed at once). Says the first reason it fails.
 */
export function probeFanotify(paths: readonly string[]): FanotifyStatus {
  let backend: FanotifyBackend | undefined;
  try {
    backend = new FanotifyBackend();
    for (const path of paths) backend.addWatch(path, IN_CREATE);
    const where = paths.length > 0 ? ' for the paths given' : '';
    return { usable: true, why: `usable${where}: filesystem marks, no watch limit, events name the writing process` };
  } catch (err) {
    if (!(err instanceof TswatchError)) throw err;
    return { usable: false, why: err.message, ...(err.hint && { hint: err.hint }) };
  } finally {
    backend?.close();
  }
}
