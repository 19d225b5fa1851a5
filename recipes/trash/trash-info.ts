/**
 * The `.trashinfo` file of the FreeDesktop.org Trash specification 1.0:
 *
 *     [Trash Info]
 *     Path=/home/me/a%20file
 *     DeletionDate=2026-11-26T01:02:03
 *
 * Path is percent-encoded as in a URI (RFC 2396), the date is local time without a zone.
 */

import { fsDecode, fsEncode } from '../../src/index.js';

export const TRASHINFO_SUFFIX = '.trashinfo';

export interface TrashInfo {
  /** Decoded Path=: absolute (home trash) or relative to the volume's top directory. */
  path: string;
  /** DeletionDate= exactly as written (local time), or undefined when missing. */
  deletionDate: string | undefined;
}

// RFC 2396 unreserved characters and '/' stay as they are; every other byte of the name is %XX (a name
// that is not UTF-8 included: the spec's Path= carries bytes). This is what trash-cli (Python's
// quote(path, '/')) and GLib write.
const KEEP = /[A-Za-z0-9\-_.~/]/;

/** Percent-encode a path (fsDecode's form for a name that is not UTF-8) for Path= and `directorysizes`. */
export function encodeTrashPath(path: string): string {
  let out = '';
  for (const byte of fsEncode(path)) {
    const char = String.fromCharCode(byte);
    out += byte < 0x80 && KEEP.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * Decode %XX sequences to the bytes they stand for; a malformed escape is kept as written, as unquote()
 * does. Bytes that are not UTF-8 come back as fsDecode writes them (`name%FF` → "name\udcff").
 */
export function decodeTrashPath(encoded: string): string {
  const bytes: Buffer[] = [];
  let plain = '';
  for (let i = 0; i < encoded.length; i++) {
    const hex = encoded.slice(i + 1, i + 3);
    if (encoded[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(fsEncode(plain), Buffer.of(parseInt(hex, 16)));
      plain = '';
      i += 2;
    } else {
      plain += encoded[i];
    }
  }
  bytes.push(fsEncode(plain));
  return fsDecode(Buffer.concat(bytes));
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

/**
 * The keys of the `[Trash Info]` group; undefined when there is no Path= (not a trashinfo file). Give the
 * file's bytes, or its text as fsDecode gives it, so a Path= that another tool wrote unescaped keeps them.
 */
export function parseTrashInfo(content: string | Uint8Array): TrashInfo | undefined {
  const text = typeof content === 'string' ? content : fsDecode(content);
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
