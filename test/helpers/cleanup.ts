import { after } from 'node:test';

/**
 * Run `fn` when the test file ends, never throwing: a throwing `after` hook skips the hooks after it,
 * and one of those may be the kill of a process still running (a daemon still writing into a temp dir
 * makes its removal fail with ENOTEMPTY), which then holds the test file open for good. Said, not thrown.
 */
export function cleanup(what: string, fn: () => unknown): void {
  after(async () => {
    try {
      await fn();
    } catch (err) {
      console.error(`cleanup: ${what}: ${(err as Error).message}`);
    }
  });
}
