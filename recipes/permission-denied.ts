/** A permission error (EACCES, EPERM): recipes skip and name that path, and go on with the rest. */
export const denied = (err: unknown): boolean => ['EACCES', 'EPERM'].includes((err as NodeJS.ErrnoException).code ?? '');

/** Who tswatch runs as, for hints about permissions: `tswatch (uid 1001)`. */
export function runningAs(): string {
  const uid = process.getuid?.();
  return uid === undefined ? 'tswatch' : `tswatch (uid ${uid})`;
}
