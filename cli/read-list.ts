import { readFileSync } from 'node:fs';
import { TswatchError } from '../src/errors.js';

/**
 * The words of `--fromfile FILE` ('-': stdin), one per line: paths to watch, `@path` to exclude. A file
 * that cannot be read is warned about and counts as empty, as in inotifywait: the other paths are watched.
 */
export function readList(file: string | undefined, warn = (text: string): void => void process.stderr.write(text)): string[] {
  if (file === undefined) return [];
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    const error = new TswatchError(`--fromfile: cannot read '${file}': ${(err as Error).message}`, {
      code: (err as NodeJS.ErrnoException).code ?? 'EIO',
      path: file,
      hint: "give a readable file with one path per line, or '-' for stdin",
    });
    warn(`tswatch: ${error.describe()}\n`);
    return [];
  }
  return text.split('\n').filter((line) => line !== '');
}
