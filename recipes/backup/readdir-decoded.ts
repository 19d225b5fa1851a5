import { type Dirent, readdirSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { fsDecode } from '../../src/index.js';

/**
 * A directory's entries, names as the core spells them (fsDecode): one that is not UTF-8 keeps its
 * bytes as lone surrogates, where a plain readdir would turn them into U+FFFD, the name of another file.
 */
export async function readdirDecoded(path: string): Promise<Dirent[]> {
  return decoded(await readdir(path, { withFileTypes: true, encoding: 'buffer' }));
}

/**
 * readdirDecoded without the thread pool (a walk's directories are in the cache). Node's own UTF-8
 * decoding is fsDecode's for every valid name, and cheaper than a Buffer per name: the bytes are read
 * only for a directory where some name came back with U+FFFD (a name not UTF-8, or one that holds it).
 */
export function readdirDecodedSync(path: string): Dirent[] {
  const dirents = readdirSync(path, { withFileTypes: true });
  if (!dirents.some((d) => d.name.includes('\ufffd'))) return dirents;
  return decoded(readdirSync(path, { withFileTypes: true, encoding: 'buffer' }));
}

function decoded(dirents: Array<Dirent<Buffer>>): Dirent[] {
  for (const d of dirents) (d as unknown as { name: string }).name = fsDecode(d.name);
  return dirents as unknown as Dirent[];
}
