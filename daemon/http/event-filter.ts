import picomatch from 'picomatch';
import { parseEventList, TswatchError } from '../../src/index.js';
import type { EventRecord } from './event-ring.js';

/**
 * `?glob=` and `?kind=` of the tail and the API. A glob without a slash matches the file name
 * (`*.log`), one with a slash the whole path (`/srv/**\/*.tmp`); kinds are event names as in
 * --event (`create,close_write`): an event matches if it has any of them.
 */
export function eventFilter(params: URLSearchParams): (record: EventRecord) => boolean {
  const glob = params.get('glob')?.trim() || undefined;
  const kind = params.get('kind')?.trim() || undefined;
  let matches: ((path: string) => boolean) | undefined;
  if (glob !== undefined) {
    try {
      matches = picomatch(glob, { dot: true, basename: !glob.includes('/') });
    } catch (err) {
      throw new TswatchError(`glob: '${glob}' is not a glob pattern: ${(err as Error).message}`, {
        code: 'EBADGLOB',
        hint: 'e.g. *.log or /srv/**/*.tmp',
      });
    }
  }
  const mask = kind === undefined ? undefined : parseEventList(kind);
  return (record) => (matches === undefined || matches(record.path)) && (mask === undefined || (record.mask & mask) !== 0);
}
