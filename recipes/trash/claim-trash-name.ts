import { closeSync, mkdirSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fsEncode, fsPath } from '../../src/index.js';
import { exists } from './move-verified.js';
import type { TrashDir } from './trash-dirs.js';
import { TrashError } from './trash-error.js';
import { formatTrashInfo, TRASHINFO_SUFFIX } from './trash-info.js';
import { filePath, infoPath } from './trash-layout.js';

// NAME.trashinfo must fit NAME_MAX (255 bytes) with room for a `_NNNNN` suffix.
const MAX_NAME_BYTES = 255 - TRASHINFO_SUFFIX.length - 8;

const WRITABLE_HINT = 'check the trash directory is yours and writable, and the disk not full';

const byteLength = (name: string): number => fsEncode(name).length;

function fitName(name: string): string {
  if (byteLength(name) <= MAX_NAME_BYTES) return name;
  let out = '';
  for (const char of name) {
    if (byteLength(out + char) > MAX_NAME_BYTES) break;
    out += char;
  }
  return out;
}

/**
 * Claim `info/NAME.trashinfo` in `dir` for `original` (deleted at `now`) with O_EXCL, trying NAME,
 * NAME_1, NAME_2, …, so concurrent trashing never collides, and write it; returns NAME.
 */
export function claimTrashName(dir: TrashDir, base: string, original: string, now: Date): string {
  try {
    mkdirSync(fsPath(join(dir.path, 'info')), { recursive: true, mode: 0o700 });
    mkdirSync(fsPath(join(dir.path, 'files')), { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new TrashError('cannot write to the trash', dir.path, err, WRITABLE_HINT);
  }
  const stored = dir.topDir === undefined ? original : relative(dir.topDir, original);
  const content = formatTrashInfo(stored, now);
  const stem = fitName(base);
  for (let i = 0; ; i++) {
    const name = i === 0 ? stem : `${stem}_${i < 1000 ? i : Math.floor(Math.random() * 1e6)}`;
    let fd: number;
    try {
      fd = openSync(fsPath(infoPath(dir.path, name)), 'wx', 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw new TrashError('cannot write to the trash', dir.path, err, WRITABLE_HINT);
    }
    try {
      writeSync(fd, content);
    } catch (err) {
      closeSync(fd);
      unlinkSync(fsPath(infoPath(dir.path, name))); // no empty trashinfo left behind (a full disk)
      throw new TrashError('cannot write to the trash', dir.path, err, WRITABLE_HINT);
    }
    closeSync(fd);
    // An orphan in files/ under this name would be replaced by the move: leave it be, take the next name.
    if (!exists(filePath(dir.path, name))) return name;
    unlinkSync(fsPath(infoPath(dir.path, name)));
  }
}
