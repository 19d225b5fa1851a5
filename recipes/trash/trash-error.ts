import { TswatchError } from '../../src/index.js';
import { shellQuote } from './shell-quote.js';

/** strerror() texts, so messages read as rm's do. */
const STRERROR: Record<string, string> = {
  ENOENT: 'No such file or directory',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
  EBUSY: 'Device or resource busy',
  EROFS: 'Read-only file system',
  ENOSPC: 'No space left on device',
  EXDEV: 'Invalid cross-device link',
  ENOTEMPTY: 'Directory not empty',
};

/** What went wrong with a syscall error, in strerror's words. */
export function reasonOf(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (err instanceof TrashError) return err.reason;
  return (e.code && STRERROR[e.code]) || e.message;
}

/** A trash operation that failed: `cannot trash 'x': Permission denied`, with the bare `reason` kept for rm. */
export class TrashError extends TswatchError {
  readonly reason: string;

  constructor(what: string, path: string, err: unknown, hint: string) {
    const reason = reasonOf(err);
    super(`${what} ${shellQuote(path)}: ${reason}`, { code: (err as NodeJS.ErrnoException).code ?? 'EIO', path, cause: err, hint });
    this.reason = reason;
  }
}

/** A path the trash will not take, whatever the permissions. */
export function refuse(path: string, why: string): TrashError {
  return new TrashError('refusing to trash', path, Object.assign(new Error(why), { code: 'EINVAL' }), 'nothing was moved');
}
