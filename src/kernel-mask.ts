import {
  IN_CLOSE_NOWRITE,
  IN_CREATE,
  IN_DELETE,
  IN_DELETE_SELF,
  IN_MASK_ADD,
  IN_MOVE_SELF,
  IN_MOVED_FROM,
  IN_MOVED_TO,
  IN_ONESHOT,
  u32,
} from './masks.js';
import { SCAN_ECHO } from './scan-echoes.js';

/**
 * Bits the core always asks the kernel for on directories, whatever the user's mask: without them it
 * could not follow renames, watch new directories or rescan after an overflow. Events the user did not
 * ask for are dropped before dispatch.
 */
const BOOKKEEPING = IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF;

/** What the kernel is asked for, for a watch whose user mask is `mask`. */
export function kernelMask(mask: number, isDir: boolean): number {
  // A oneshot watch must fire on the user's events only, so it gets no bookkeeping bits. A directory
  // watch that reports opens, reads or closes also gets IN_CLOSE_NOWRITE: it ends each scan's echo.
  const echoEnd = mask & SCAN_ECHO ? IN_CLOSE_NOWRITE : 0;
  const extra = isDir && !(mask & IN_ONESHOT) ? BOOKKEEPING | echoEnd : 0;
  return u32((mask | extra) & ~IN_MASK_ADD);
}
