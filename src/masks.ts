import { TswatchError } from './errors.js';

/** Kernel inotify bits, values as in <sys/inotify.h> (checked against the native addon in tests). */
export const IN_ACCESS = 0x00000001;
export const IN_MODIFY = 0x00000002;
export const IN_ATTRIB = 0x00000004;
export const IN_CLOSE_WRITE = 0x00000008;
export const IN_CLOSE_NOWRITE = 0x00000010;
export const IN_OPEN = 0x00000020;
export const IN_MOVED_FROM = 0x00000040;
export const IN_MOVED_TO = 0x00000080;
export const IN_CREATE = 0x00000100;
export const IN_DELETE = 0x00000200;
export const IN_DELETE_SELF = 0x00000400;
export const IN_MOVE_SELF = 0x00000800;
export const IN_UNMOUNT = 0x00002000;
export const IN_Q_OVERFLOW = 0x00004000;
export const IN_IGNORED = 0x00008000;
export const IN_ONLYDIR = 0x01000000;
export const IN_DONT_FOLLOW = 0x02000000;
export const IN_EXCL_UNLINK = 0x04000000;
export const IN_MASK_CREATE = 0x10000000;
export const IN_MASK_ADD = 0x20000000;
export const IN_ISDIR = 0x40000000;
export const IN_ONESHOT = 0x80000000;
export const IN_CLOSE = IN_CLOSE_WRITE | IN_CLOSE_NOWRITE;
export const IN_MOVE = IN_MOVED_FROM | IN_MOVED_TO;
/** All events a watch can ask for (pyinotify's ALL_EVENTS, the kernel's IN_ALL_EVENTS). */
export const ALL_EVENTS = 0x00000fff;
export const IN_ALL_EVENTS = ALL_EVENTS;

/** Single-bit names in kernel order; the order maskname and inotifywait output use. */
export const EVENT_BITS = [
  ['IN_ACCESS', IN_ACCESS],
  ['IN_MODIFY', IN_MODIFY],
  ['IN_ATTRIB', IN_ATTRIB],
  ['IN_CLOSE_WRITE', IN_CLOSE_WRITE],
  ['IN_CLOSE_NOWRITE', IN_CLOSE_NOWRITE],
  ['IN_OPEN', IN_OPEN],
  ['IN_MOVED_FROM', IN_MOVED_FROM],
  ['IN_MOVED_TO', IN_MOVED_TO],
  ['IN_CREATE', IN_CREATE],
  ['IN_DELETE', IN_DELETE],
  ['IN_DELETE_SELF', IN_DELETE_SELF],
  ['IN_MOVE_SELF', IN_MOVE_SELF],
  ['IN_UNMOUNT', IN_UNMOUNT],
  ['IN_Q_OVERFLOW', IN_Q_OVERFLOW],
  ['IN_IGNORED', IN_IGNORED],
] as const;

export type EventBitName = (typeof EVENT_BITS)[number][0];

/** Every named constant, flags and combinations included: what the native addon is checked against. */
export const ALL_CONSTANTS = {
  ...Object.fromEntries(EVENT_BITS),
  IN_ONLYDIR,
  IN_DONT_FOLLOW,
  IN_EXCL_UNLINK,
  IN_MASK_CREATE,
  IN_MASK_ADD,
  IN_ISDIR,
  IN_ONESHOT,
  IN_CLOSE,
  IN_MOVE,
  IN_ALL_EVENTS,
} as Readonly<Record<string, number>>;

/** Masks are unsigned 32-bit (IN_ONESHOT is the sign bit). */
export const u32 = (mask: number): number => mask >>> 0;

/** pyinotify's maskname: `IN_CREATE|IN_ISDIR`. */
export function maskname(mask: number): string {
  const names: string[] = [];
  for (const [name, bit] of EVENT_BITS) if (mask & bit) names.push(name);
  if (mask & IN_ISDIR) names.push('IN_ISDIR');
  return names.join('|');
}

/** inotifywait's event names, the CLI's vocabulary (`close_write`, `move`, `all`). */
export const CLI_EVENTS: Readonly<Record<string, number>> = {
  access: IN_ACCESS,
  modify: IN_MODIFY,
  attrib: IN_ATTRIB,
  close_write: IN_CLOSE_WRITE,
  close_nowrite: IN_CLOSE_NOWRITE,
  close: IN_CLOSE,
  open: IN_OPEN,
  moved_to: IN_MOVED_TO,
  moved_from: IN_MOVED_FROM,
  move: IN_MOVE,
  move_self: IN_MOVE_SELF,
  create: IN_CREATE,
  delete: IN_DELETE,
  delete_self: IN_DELETE_SELF,
  unmount: IN_UNMOUNT,
  all: ALL_EVENTS,
};

/**
 * Parse `create,delete` (or several such lists) into a mask. Names are inotifywait's, case-insensitive;
 * kernel names (`IN_CREATE`) are accepted too. An unknown name throws, listing the valid ones.
 */
export function parseEventList(lists: string | readonly string[]): number {
  let mask = 0;
  for (const list of typeof lists === 'string' ? [lists] : lists) {
    for (const raw of list.split(',')) {
      const word = raw.trim().toLowerCase().replace(/^in_/, '');
      if (word === '') continue;
      // inotifywait's own spelling of every event, kept out of the listed vocabulary.
      const bit = word === 'all_events' ? ALL_EVENTS : CLI_EVENTS[word];
      if (bit === undefined) {
        throw new TswatchError(`unknown event name '${raw.trim()}'`, {
          code: 'EBADEVENT',
          hint: `valid event names: ${Object.keys(CLI_EVENTS).join(', ')}`,
        });
      }
      mask |= bit;
    }
  }
  return u32(mask);
}

/** inotifywait's spelling of an event mask: `CLOSE_WRITE,CLOSE`, `CREATE,ISDIR`. */
export function inotifywaitNames(mask: number, sep = ','): string {
  const names: string[] = [];
  for (const [name, bit] of EVENT_BITS) {
    if (bit === IN_MOVE_SELF) continue; // inotifywait prints CLOSE before MOVE_SELF
    if (mask & bit) names.push(name.slice(3));
  }
  if (mask & IN_CLOSE) names.push('CLOSE');
  if (mask & IN_MOVE_SELF) names.push('MOVE_SELF');
  if (mask & IN_ISDIR) names.push('ISDIR');
  if (mask & IN_ONESHOT) names.push('ONESHOT');
  return names.join(sep);
}
