import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testUser, testUserDir } from './test-user.js';

/**
 * `root/src`, owned by the test user: a/f, z/deep/g (each file holding its own name), and a root-owned
 * `chmod 700` secret/ (x, inner/) that user may neither list nor watch. Removed when the test file ends.
 */
export function treeWithLockedDir(prefix?: string): { root: string; src: string; secret: string } {
  const user = testUser();
  const root = testUserDir(prefix);
  const src = join(root, 'src');
  for (const dir of ['', 'a', 'z', 'z/deep']) {
    mkdirSync(join(src, dir), { recursive: true });
    chownSync(join(src, dir), user.uid, user.gid);
  }
  for (const file of ['a/f', 'z/deep/g']) {
    writeFileSync(join(src, file), file);
    chownSync(join(src, file), user.uid, user.gid);
  }
  const secret = join(src, 'secret');
  mkdirSync(join(secret, 'inner'), { recursive: true });
  writeFileSync(join(secret, 'x'), 'root only');
  chmodSync(secret, 0o700);
  return { root, src, secret };
}
