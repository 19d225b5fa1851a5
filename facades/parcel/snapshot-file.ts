import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { DirectorySnapshot, DirectorySnapshotDiff, TswatchError, type SnapshotJSON } from '../../src/index.js';
import { EventList, type Event } from './event-list.js';
import type { Resolved } from './options.js';

const FORMAT = 'tswatch/parcel snapshot';

interface SnapshotFile {
  format: typeof FORMAT;
  version: 1;
  tree: SnapshotJSON;
}

/** The tree under `dir` now: every path with its inode, mtime and size (ignored ones left out). */
function take(dir: string, options: Resolved): DirectorySnapshot {
  return new DirectorySnapshot(dir, { exclude: options.ignored });
}

/** Write the tree's state to `file`, atomically: a crash leaves the previous snapshot whole. */
export function writeSnapshotFile(dir: string, file: string, options: Resolved): void {
  const tree = take(dir, options);
  if (!tree.isdir(dir)) throw notADirectory(dir, tree);
  const body: SnapshotFile = { format: FORMAT, version: 1, tree: tree.toJSON() };
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, JSON.stringify(body));
    renameSync(tmp, file);
  } catch (err) {
    throw new TswatchError(`cannot write the snapshot '${file}': ${(err as Error).message}`, {
      code: (err as NodeJS.ErrnoException).code ?? 'ESNAPSHOT',
      path: file,
      cause: err,
      hint: 'give a snapshot path in a writable directory',
    });
  }
}

/**
 * What changed under `dir` since `file` was written, as parcel reports it: a path that is new is
 * created, one gone is deleted (a move is both), a file whose inode, mtime or size changed is updated.
 * A directory's own mtime changing says only that its entries did, which they report themselves.
 */
export function eventsSinceFile(dir: string, file: string, options: Resolved): Event[] {
  const before = read(file);
  if (before.root !== dir) {
    throw new TswatchError(`the snapshot '${file}' is of '${before.root}', not of '${dir}'`, {
      code: 'EBADSNAPSHOT',
      path: file,
      hint: 'ask for the directory the snapshot was written for, or write a new snapshot',
    });
  }
  const now = take(dir, options);
  if (!now.isdir(dir)) throw notADirectory(dir, now);
  const diff = new DirectorySnapshotDiff(before, now);
  const list = new EventList();
  // Deleted first: a path deleted and created again (a new inode) then folds into an update.
  for (const path of [...diff.files_deleted, ...diff.dirs_deleted]) list.remove(path);
  for (const [from] of [...diff.files_moved, ...diff.dirs_moved]) list.remove(from);
  for (const path of [...diff.files_created, ...diff.dirs_created]) list.create(path);
  for (const [, to] of [...diff.files_moved, ...diff.dirs_moved]) list.create(to);
  for (const path of diff.files_modified) if (now.has(path)) list.update(path);
  return list.take().filter((event) => !options.ignored(event.path));
}

function read(file: string): DirectorySnapshot {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new TswatchError(`cannot read the snapshot '${file}': ${(err as Error).message}`, {
      code: (err as NodeJS.ErrnoException).code ?? 'ESNAPSHOT',
      path: file,
      cause: err,
      hint: 'write one first with writeSnapshot(dir, file)',
    });
  }
  let body: SnapshotFile | undefined;
  try {
    body = JSON.parse(text) as SnapshotFile;
  } catch {
    body = undefined;
  }
  if (body?.format !== FORMAT || body.version !== 1) {
    throw new TswatchError(`'${file}' is not a snapshot written by tswatch/parcel`, {
      code: 'EBADSNAPSHOT',
      path: file,
      hint: 'snapshots written by @parcel/watcher itself cannot be read: call writeSnapshot(dir, file) once with tswatch/parcel',
    });
  }
  return DirectorySnapshot.fromJSON(body.tree);
}

function notADirectory(dir: string, tree: DirectorySnapshot): TswatchError {
  const missing = !tree.has(dir);
  return new TswatchError(`cannot snapshot '${dir}': ${missing ? 'no such directory' : 'not a directory'}`, {
    code: missing ? 'ENOENT' : 'ENOTDIR',
    path: dir,
    hint: 'give the directory to watch; it must exist',
  });
}
