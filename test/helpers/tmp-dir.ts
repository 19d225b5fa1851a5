import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanup } from './cleanup.js';

/** A fresh real directory under the OS temp dir, removed when the test file ends. */
export function tmpDir(prefix = 'tswatch-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanup(`removing ${dir}`, () => rmSync(dir, { recursive: true, force: true, maxRetries: 5 }));
  return dir;
}
