import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { fsDecode } from '../../src/index.js';

/**
 * A directory's entries, names as the core spells them (fsDecode): one that is not UTF-8 keeps its
 * bytes as lone surrogates, where a plain readdir would turn them into U+FFFD, the name of another file.
 */
export async function readdirDecoded(path: string): Promise<Dirent[]> {
  const dirents = await readdir(path, { withFileTypes: true, encoding: 'buffer' });
  for (const d of dirents) (d as unknown as { name: string }).name = fsDecode(d.name as unknown as Buffer);
  return dirents as unknown as Dirent[];
}
