import type { Dirent } from 'node:fs';
import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isTempName, vanished } from './copy-file.js';
import { lstatOrUndefined } from './lstat-or-undefined.js';
import type { Mirror } from './mirror.js';

/**
 * Make the DEST subtree at rel equal to SRC's: copy what differs, delete what SRC no longer has
 * (excluded paths aside). Run on subtrees that changed shape live, once the burst is over: a burst of
 * renames and re-creations of one name can outrun any watcher's view of it.
 */
export async function verifyTree(mirror: Mirror, rel: string): Promise<void> {
  await mirror.syncTree(rel);
  await pruneTree(mirror, rel);
}

async function pruneTree(mirror: Mirror, rel: string): Promise<void> {
  if (!(await lstatOrUndefined(mirror.srcPath(rel)))?.isDirectory()) return;
  let dirents: Dirent[];
  try {
    dirents = await readdir(mirror.destPath(rel), { withFileTypes: true });
  } catch (err) {
    if (vanished(err)) return;
    throw err;
  }
  for (const d of dirents) {
    const child = join(rel, d.name);
    if (isTempName(d.name)) continue;
    const st = await lstatOrUndefined(mirror.srcPath(child));
    if (st === undefined) {
      // Only what tswatch put there: the user's own DEST files stay, as a restart keeps them.
      if (!mirror.isExcluded(child, d.isDirectory()) && mirror.isMirrored(child)) await removeMirrored(mirror, child);
    } else if (st.isDirectory() && d.isDirectory()) {
      await pruneTree(mirror, child);
    }
  }
}

/**
 * Delete what tswatch mirrored at DEST/rel, its SRC side gone (deleted live, or while tswatch was not
 * looking). Inside a directory, entries the manifest does not know are the user's own: they stay, and
 * so does the directory, which is the user's from then on (no longer "mirrored", so not announced as
 * stale at every start). Temp files are always tswatch's own leftovers: they go.
 */
export async function removeMirrored(mirror: Mirror, rel: string): Promise<boolean> {
  const dst = await lstatOrUndefined(mirror.destPath(rel));
  if (dst === undefined || (await lstatOrUndefined(mirror.srcPath(rel))) !== undefined) return false;
  if (!dst.isDirectory()) return mirror.remove(rel);
  let kept = false;
  for (const name of await readdir(mirror.destPath(rel))) {
    const child = join(rel, name);
    if (isTempName(name))
      await unlink(mirror.destPath(child)).catch((err: unknown) => {
        if (!vanished(err)) throw err;
      });
    else if (mirror.isMirrored(child)) kept = !(await removeMirrored(mirror, child)) || kept;
    else kept = true;
  }
  if (kept) mirror.disown(rel);
  return kept ? false : mirror.remove(rel);
}
