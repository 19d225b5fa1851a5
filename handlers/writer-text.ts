import type { Event } from '../src/index.js';
import { userName } from './user-name.js';

/**
 * Who caused an event, for people: `vim, pid 4242, user alice` (what /proc told; a process already gone:
 * `pid 4242`). Undefined where the backend does not know (inotify): never guessed.
 */
export function writerText(event: Pick<Event, 'pid' | 'uid' | 'comm'>): string | undefined {
  if (event.pid === undefined) return undefined;
  const parts = [...(event.comm === undefined ? [] : [event.comm]), `pid ${event.pid}`];
  if (event.uid !== undefined) parts.push(`user ${userName(event.uid) ?? event.uid}`);
  return parts.join(', ');
}
