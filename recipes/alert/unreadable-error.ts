import { TswatchError } from '../../src/index.js';
import { runningAs } from '../permission-denied.js';

/** What tswatch may not read: a directory below a watched one, or a file a check or --match needs. */
export type Unreadable = 'directory' | 'checksum' | 'match';

const CONSEQUENCE: Record<Unreadable, string> = {
  directory: 'not watched, no alerts from inside it',
  checksum: 'its content is not checked (--checksum)',
  match: 'its new lines are not followed (--match)',
};

/** A path skipped because tswatch may not read it: what it costs, and the fix. The rest goes on. */
export function unreadableError(path: string, err: unknown, what: Unreadable): TswatchError {
  const code = (err as { code?: string }).code ?? 'EACCES';
  const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code;
  const dir = what === 'directory';
  return new TswatchError(`cannot read ${dir ? 'directory' : 'file'} '${path}' (${why}): ${CONSEQUENCE[what]}`, {
    code,
    path,
    cause: err,
    hint: `${runningAs()} needs read${dir ? ' and search' : ''} permission on it; give it that, or run tswatch as a user who has it`,
  });
}
