import { lstatSync, type Stats } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { vanished } from './copy-file.js';

// A path gone (or its parent no longer a directory) is an answer, not an error: SRC changes under every step.

export async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (err) {
    if (vanished(err)) return undefined;
    throw err;
  }
}

export function lstatSyncOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path, { throwIfNoEntry: false });
  } catch (err) {
    if (vanished(err)) return undefined;
    throw err;
  }
}
