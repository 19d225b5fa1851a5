/**
 * Resolve once `condition()` is truthy; reject with `what` after `timeoutMs`. Tests wait on conditions,
 * never on fixed sleeps: the timeout is only a failure bound. `what` as a function is read at the
 * timeout (output gathered so far, say, rather than as it was when the wait began).
 */
export async function waitFor<T>(condition: () => T, what: string | (() => string), timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
