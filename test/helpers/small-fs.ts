import { spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanup } from './cleanup.js';

/** Why a small filesystem cannot be mounted here (not root), or undefined: pass to `test(…, { skip })`. */
export function noSmallFs(): string | undefined {
  return process.getuid?.() === 0 ? undefined : 'needs root to mount a small tmpfs';
}

/**
 * A real filesystem of `bytes` (a tmpfs), to fill up: ENOSPC as users meet it. Owned by `owner` if given;
 * unmounted when the test file ends.
 */
export function smallFs(bytes: number, owner?: { uid: number; gid: number }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tswatch-smallfs-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes},mode=0755`, 'tswatch-test', dir], { encoding: 'utf8' });
  if (mounted.status !== 0) throw new Error(`mount tmpfs on ${dir}: ${mounted.stderr.trim()}`);
  if (owner) chownSync(dir, owner.uid, owner.gid);
  cleanup(`unmounting ${dir}`, () => {
    spawnSync('umount', ['-l', dir]);
    rmdirSync(dir);
  });
  return dir;
}
