import { TswatchError } from '../../src/index.js';
import { runningAs } from '../permission-denied.js';

/** Errors that mean DEST has no room: a watching backup retries the copy (RoomRetry), a start copies what is missing. */
const NO_ROOM = new Set(['ENOSPC', 'EDQUOT']);

export function isNoRoom(err: unknown): boolean {
  return NO_ROOM.has((err as NodeJS.ErrnoException).code ?? '');
}

/**
 * A failure backing up `rel` (relative to SRC and DEST) as one clear line: which path, what went wrong,
 * on which side, and what to do. A TswatchError already says it all and is passed through.
 */
export function backupError(err: unknown, rel: string | undefined, dest: string): TswatchError {
  if (err instanceof TswatchError) return err;
  const e = err as NodeJS.ErrnoException;
  const code = e.code ?? 'EBACKUP';
  const what = rel === undefined || rel === '' ? 'backup' : `cannot back up '${rel}'`;
  const inDest = typeof e.path === 'string' && (e.path === dest || e.path.startsWith(`${dest}/`));
  const options = { code, cause: err, ...(rel !== undefined && { path: rel }) };
  if (NO_ROOM.has(code)) {
    return new TswatchError(
      `${what}: DEST's filesystem is full (${code === 'EDQUOT' ? 'disk quota exceeded' : 'no space left on device'})`,
      {
        ...options,
        hint: 'free space on DEST: a watching backup copies what failed by itself once there is room; a start (or --once) copies whatever is missing',
      },
    );
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new TswatchError(`${what}: permission denied (${inDest ? 'writing DEST' : 'reading SRC'}: '${e.path ?? rel}')`, {
      ...options,
      hint: `${runningAs()} needs to ${inDest ? 'write into DEST' : 'read it in SRC'}; run as a user who can, or --exclude it`,
    });
  }
  const message = (e.message ?? String(err)).replace(/^[A-Z]+: /, '');
  return new TswatchError(`${what}: ${message}`, options);
}

/** A SRC directory tswatch cannot list or watch: it is skipped (its DEST copy left as it is). */
export function unreadableError(rel: string, err: unknown): TswatchError {
  const code = (err as NodeJS.ErrnoException).code ?? (err as TswatchError).code ?? 'EACCES';
  return new TswatchError(
    `cannot read SRC directory '${rel}' (${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code}): not backed up`,
    {
      code,
      path: rel,
      cause: err,
      hint: `${runningAs()} needs read and search permission on it; give it that (or run as a user who has it), or --exclude it`,
    },
  );
}
