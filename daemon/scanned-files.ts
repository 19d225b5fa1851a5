import { type Event, IN_CLOSE_WRITE, IN_CREATE } from '../src/index.js';

/**
 * A file that appeared in a new directory (or during a kernel queue overflow) before any watch could see
 * it is reported by tswatch's scan as a synthetic IN_CREATE: its IN_CLOSE_WRITE happened unseen. An
 * automation acting on close_write takes such a create as the change it stands for, or `cp -r dir
 * watched/` would run nothing for the files inside. (A file still being written when scanned triggers
 * twice: now, and at its real close.)
 */
export function takesScannedFiles(mask: number): boolean {
  return (mask & IN_CLOSE_WRITE) !== 0 && (mask & IN_CREATE) === 0;
}

const scannedFile = (event: Event): boolean => event.synthetic && !event.dir && (event.mask & IN_CREATE) !== 0;

/** What to ask the kernel for so that the scan's creates are delivered too. */
export function watchMask(mask: number): number {
  return takesScannedFiles(mask) ? mask | IN_CREATE : mask;
}

/** A create delivered only because `watchMask` asked for creates, and not a scanned file's: not the watch's. */
export function addedCreate(mask: number, event: Event): boolean {
  return takesScannedFiles(mask) && (event.mask & IN_CREATE) !== 0 && !scannedFile(event);
}

/** For events not filtered by the kernel (a fleet stream): the watch's own, and scanned files' creates. */
export function selectsEvent(mask: number, event: Event): boolean {
  return (event.mask & mask) !== 0 || (takesScannedFiles(mask) && scannedFile(event));
}
