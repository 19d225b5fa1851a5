import { TswatchError } from '../../src/index.js';
import { runningAs } from '../permission-denied.js';

/** A directory below a watched one that tswatch may not list or watch: skipped, the rest is watched. */
export function unreadableDirError(path: string, err: unknown): TswatchError {
  const code = (err as { code?: string }).code ?? 'EACCES';
  const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code;
  return new TswatchError(`cannot read directory '${path}' (${why}): not watched, no alerts from inside it`, {
    code,
    path,
    cause: err,
    hint: `${runningAs()} needs read and search permission on it; give it that, or run tswatch as a user who has it (the rest is watched)`,
  });
}
