/**
 * The node:fs calls that return names, keeping names that are not UTF-8 exact (fsDecode's lone surrogates;
 * fsPath turns them back into bytes). Node's string forms would give U+FFFD, the name of another file.
 */
import { opendirSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fsDecode, fsPath } from '../../src/index.js';

/** The entries of `dir`, sorted as readdirSync sorts them. */
export function namesIn(dir: string): string[] {
  return readdirSync(fsPath(dir), { encoding: 'buffer' }).map(fsDecode);
}

/** The entries of `dir` in the order the filesystem gives them, as rm visits them (readdirSync sorts). */
export function namesInDirectoryOrder(dir: string): string[] {
  // Node's types allow only text encodings here, but the Dir gives Buffer names with 'buffer'.
  const handle = opendirSync(fsPath(dir), { encoding: 'buffer' as BufferEncoding });
  const names: string[] = [];
  try {
    for (let e = handle.readSync(); e !== null; e = handle.readSync()) names.push(fsDecode(e.name as unknown as Buffer));
  } finally {
    handle.closeSync();
  }
  return names;
}

/** realpath(3) of `path` (Node's JS realpathSync does not take byte paths). */
export function realPath(path: string): string {
  return fsDecode(realpathSync.native(fsPath(path), { encoding: 'buffer' }));
}

export function readLink(path: string): string {
  return fsDecode(readlinkSync(fsPath(path), { encoding: 'buffer' }));
}

/** The working directory, exact: process.cwd() decodes it as UTF-8. */
export function workingDir(): string {
  const cwd = process.cwd();
  if (!cwd.includes('\uFFFD')) return cwd;
  try {
    return readLink('/proc/self/cwd');
  } catch {
    return cwd;
  }
}

/** path.resolve against the exact working directory. */
export const resolveExact = (...paths: string[]): string => resolve(workingDir(), ...paths);
