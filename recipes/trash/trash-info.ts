/**
 * The `.trashinfo` file of the FreeDesktop.org Trash specification 1.0:
 *
 *     [Trash Info]
 *     Path=/home/me/a%20file
 *     DeletionDate=2026-11-26T01:02:03
 *
 * Path is percent-encoded as in a URI (RFC 2396), the date is local time without a zone.
 */

export const TRASHINFO_SUFFIX = '.trashinfo';

export interface TrashInfo {
  /** Decoded Path=: absolute (home trash) or relative to the volume's top directory. */
  path: string;
  /** DeletionDate= exactly as written (local time), or undefined when missing. */
  deletionDate: string | undefined;
}

// RFC 2396 unreserved characters and '/' stay as they are; every other byte of the UTF-8 is %XX.
// This is what trash-cli (Python's quote(path, '/')) and GLib write.
const KEEP = /[A-Za-z0-9\-_.~/]/;

/** Percent-encode a path for Path= (and for the names in `directorysizes`). */
export function encodeTrashPath(path: string): string {
  let out = '';
  for (const char of path) {
    if (KEEP.test(char)) out += char;
    else for (const byte of Buffer.from(char, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Decode %XX sequences as UTF-8 bytes; a malformed escape is kept as written, as unquote() does. */
export function decodeTrashPath(encoded: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < encoded.length; i++) {
    const hex = encoded.slice(i + 1, i + 3);
    if (encoded[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(encoded[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** `YYYY-MM-DDThh:mm:ss` in local time, as the spec asks. */
export function formatDeletionDate(date: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}` +
    `T${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}`
  );
}

/** The local time a DeletionDate= names, or undefined when it is not `YYYY-MM-DDThh:mm:ss`. */
export function parseDeletionDate(text: string | undefined): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(text ?? '');
  if (!m) return undefined;
  const [year, month, day, hours, minutes, seconds] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  return new Date(year, month - 1, day, hours, minutes, seconds);
}

export function formatTrashInfo(path: string, deletionDate: Date): string {
  return `[Trash Info]\nPath=${encodeTrashPath(path)}\nDeletionDate=${formatDeletionDate(deletionDate)}\n`;
}

/** The keys of the `[Trash Info]` group; undefined when there is no Path= (not a trashinfo file). */
export function parseTrashInfo(text: string): TrashInfo | undefined {
  let inGroup = false;
  let path: string | undefined;
  let deletionDate: string | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('[')) {
      inGroup = line.trim() === '[Trash Info]';
      continue;
    }
    if (!inGroup) continue;
    // The first occurrence of a key wins (the spec leaves duplicates undefined; GLib does this).
    if (path === undefined && line.startsWith('Path=')) path = decodeTrashPath(line.slice(5));
    else if (deletionDate === undefined && line.startsWith('DeletionDate=')) deletionDate = line.slice(13).trim();
  }
  return path === undefined || path === '' ? undefined : { path, deletionDate };
}
