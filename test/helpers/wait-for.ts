/**
 * Resolve once `condition()` is truthy; reject with `what` after `timeoutMs`. Tests wait on conditions,
 * never on fixed sleeps: the timeout is only a failure bound.
 */
export async function waitFor<T>(condition: () => T, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
