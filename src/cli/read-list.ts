import { readFileSync } from 'node:fs';
import { TswatchError } from '../errors.js';

/** The words of `--fromfile FILE` ('-': stdin), one per line: paths to watch, `@path` to exclude. */
export function readList(file: string | undefined): string[] {
  if (file === undefined) return [];
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    throw new TswatchError(`--fromfile: cannot read '${file}': ${(err as Error).message}`, {
      code: (err as NodeJS.ErrnoException).code ?? 'EIO',
      path: file,
      hint: "give a readable file with one path per line, or '-' for stdin",
    });
  }
  return text.split('\n').filter((line) => line !== '');
}
