import { isUtf8 } from 'node:buffer';

/**
 * File names are bytes; JavaScript strings are UTF-16. A name that is valid UTF-8 decodes as usual; in
 * one that is not, each byte that does not belong to a valid sequence becomes the lone surrogate
 * U+DC80+byte, as Python's `surrogateescape` (and so pyinotify) does. No valid UTF-8 decodes to a lone
 * surrogate, so `fsEncode(fsDecode(bytes))` gives the same bytes back, and JSON.stringify writes such a
 * name as `\udcXX` escapes that Python's `os.fsencode(json.loads(…))` turns back into the bytes.
 */
export function fsDecode(bytes: Uint8Array): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isUtf8(buf)) return buf.toString('utf8');
  let out = '';
  for (let i = 0; i < buf.length; ) {
    const len = sequenceLength(buf, i);
    if (len === 0) {
      out += String.fromCharCode(0xdc00 + buf[i]!);
      i++;
    } else {
      out += buf.toString('utf8', i, i + len);
      i += len;
    }
  }
  return out;
}

/** The bytes of a name decoded by `fsDecode` (plain UTF-8 for every other string). */
export function fsEncode(name: string): Buffer {
  if (!/[\udc80-\udcff]/.test(name)) return Buffer.from(name, 'utf8');
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    const lone = code >= 0xdc80 && code <= 0xdcff && !(i > 0 && isHighSurrogate(name.charCodeAt(i - 1)));
    if (!lone) continue;
    parts.push(Buffer.from(name.slice(start, i), 'utf8'), Buffer.of(code - 0xdc00));
    start = i + 1;
  }
  parts.push(Buffer.from(name.slice(start), 'utf8'));
  return Buffer.concat(parts);
}

/**
 * The argument for node:fs that names exactly the file `name` (as fsDecode gave it): the string itself when
 * it is plain UTF-8 (so Node's own messages stay readable), else its bytes. A string holding a lone
 * surrogate would reach the kernel as U+FFFD, another name.
 */
export function fsPath(name: string): string | Buffer {
  return /[\udc80-\udcff]/u.test(name) ? fsEncode(name) : name;
}

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;

/** Length of the valid UTF-8 sequence starting at `i`, or 0. */
function sequenceLength(buf: Buffer, i: number): number {
  const b = buf[i]!;
  const len = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
  if (len <= 1 || i + len > buf.length) return len === 1 ? 1 : 0;
  return isUtf8(buf.subarray(i, i + len)) ? len : 0;
}
