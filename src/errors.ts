import { readFileSync } from 'node:fs';

export interface TswatchErrorOptions {
  /** errno name (`ENOSPC`) or a tswatch code (`EBADEVENT`). */
  code: string;
  /** What to do about it, one sentence. */
  hint?: string;
  path?: string;
  cause?: unknown;
}

/** Every error tswatch raises: a message saying what happened, a code, and a hint saying how to fix it. */
export class TswatchError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly path: string | undefined;

  constructor(message: string, options: TswatchErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.hint = options.hint;
    this.path = options.path;
  }

  /** `message (hint)`: the one line a CLI prints. */
  describe(): string {
    return this.hint ? `${this.message}\n  ${this.hint}` : this.message;
  }
}

/** The per-user inotify watch limit (ENOSPC from inotify_add_watch: not a full disk). */
export class WatchLimitError extends TswatchError {}
/** The per-user inotify instance limit (EMFILE from inotify_init). */
export class InstanceLimitError extends TswatchError {}
/** A path that cannot be watched: missing, forbidden, not a directory. */
export class PathError extends TswatchError {}

/**
 * Events the backend read but could not say where they happened (RAW_UNNAMED): in a directory of a
 * lazily learnt tree deleted before they were read, whose DELETE did not come soon enough to name it.
 * Not delivered, so counted and said (`count`).
 */
export class UnnamedEventsError extends TswatchError {
  constructor(readonly count: number) {
    super(`${count} event${count === 1 ? '' : 's'} in a directory deleted before they were read could not be named`, { code: 'EUNNAMED' });
  }
}

/**
 * An inotify limit as it applies to this process. The kernel charges watches and instances to the user
 * in every user namespace up to the initial one, so the lowest limit along the way is the one that
 * bites: the namespace's own (/proc/sys/user) in a container that lowered it, else the fs.inotify
 * sysctl (the initial namespace's).
 */
export function readProcLimit(name: 'max_user_watches' | 'max_user_instances' | 'max_queued_events'): number | undefined {
  const perNamespace = { max_user_watches: 'max_inotify_watches', max_user_instances: 'max_inotify_instances' } as Record<string, string>;
  const files = [`/proc/sys/fs/inotify/${name}`];
  if (perNamespace[name]) files.unshift(`/proc/sys/user/${perNamespace[name]}`);
  const values = files.flatMap((file) => {
    try {
      return [Number(readFileSync(file, 'utf8').trim())];
    } catch {
      return []; // not there on this kernel
    }
  });
  return values.length > 0 ? Math.min(...values) : undefined;
}

/** A value to raise an inotify limit to: double the current one (or what is needed), at least 524288. */
export function suggestedLimit(current: number | undefined, needed = 0): number {
  return Math.max(524288, (current ?? 0) * 2, 2 ** Math.ceil(Math.log2(Math.max(1, needed * 2))));
}

/** How to raise an inotify sysctl, to at least `needed` when that is known. */
export function sysctlHint(name: string, current: number | undefined, needed = 0): string {
  const suggested = suggestedLimit(current, needed);
  return (
    `current fs.inotify.${name} = ${current ?? 'unknown'}; raise it with ` +
    `\`sudo sysctl fs.inotify.${name}=${suggested}\` and persist it with ` +
    `\`echo fs.inotify.${name}=${suggested} | sudo tee /etc/sysctl.d/60-tswatch.conf\``
  );
}

/** Turn a failed syscall (`err.code` = errno name) into a typed error with a hint. */
export function errnoError(err: NodeJS.ErrnoException, op: string, path?: string): TswatchError {
  const code = err.code ?? 'EUNKNOWN';
  const where = path === undefined ? '' : ` '${path}'`;
  switch (code) {
    case 'ENOSPC':
      return new WatchLimitError(`${op}${where}: inotify watch limit reached (not a full disk)`, {
        code,
        path,
        cause: err,
        hint: sysctlHint('max_user_watches', readProcLimit('max_user_watches')),
      });
    case 'EMFILE':
      return new InstanceLimitError(`${op}: inotify instance limit reached`, {
        code,
        path,
        cause: err,
        hint: sysctlHint('max_user_instances', readProcLimit('max_user_instances')),
      });
    case 'ENOENT':
      return new PathError(`${op}${where}: no such file or directory`, {
        code,
        path,
        cause: err,
        hint: 'check the path exists (it may have been removed or renamed)',
      });
    case 'EACCES':
    case 'EPERM':
      return new PathError(`${op}${where}: permission denied`, {
        code,
        path,
        cause: err,
        hint: 'the user running tswatch needs read permission on the path',
      });
    case 'ENOTDIR':
      return new PathError(`${op}${where}: not a directory`, {
        code,
        path,
        cause: err,
        hint: 'IN_ONLYDIR was given for a path that is not a directory',
      });
    default:
      return new TswatchError(`${op}${where}: ${err.message}`, { code, path, cause: err });
  }
}
