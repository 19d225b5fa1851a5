const ESCAPES: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\t': '\\t', '\n': '\\n', '\v': '\\v', '\f': '\\f', '\r': '\\r' };
// Control characters, and the lone surrogates by which fsDecode keeps a byte that is not UTF-8.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f\udc80-\udcff]/u;

/** The byte a character of CONTROL stands for. */
const byteOf = (char: string): number => {
  const code = char.charCodeAt(0);
  return code >= 0xdc80 ? code - 0xdc00 : code;
};

/** True when `name` cannot be shown as it is on one line of text: a control character, a byte that is not UTF-8. */
export function hasUnprintable(name: string): boolean {
  return CONTROL.test(name);
}

/**
 * A file name quoted as GNU coreutils quotes it in messages (quoting style shell-escape-always), so
 * `tswatch trash rm` says what rm says: 'a b', "it's", 'nl'$'\n''x', and a byte that is not UTF-8 in
 * octal, 'name'$'\377'. Pasting it into a shell gives the name back, byte for byte.
 */
export function shellQuote(name: string): string {
  if (!CONTROL.test(name)) {
    if (!name.includes("'")) return `'${name}'`;
    if (!/[$`"\\!]/.test(name)) return `"${name}"`;
  }
  const chars = [...name];
  let out = "'";
  // GNU quotes a name holding a ' twice and starts the second pass in the state the first ended in, so
  // one ending in an escape begins with a stray '' ('''it'\''s'$'\n'). That is copied, but not where
  // GNU's output would not paste back (the name starts with an escape too, which then loses its $').
  let inDollar = name.includes("'") && CONTROL.test(chars[chars.length - 1]!) && !CONTROL.test(chars[0]!);
  for (const char of chars) {
    if (CONTROL.test(char)) {
      if (!inDollar) out += "'$'";
      inDollar = true;
      out += ESCAPES[char] ?? `\\${byteOf(char).toString(8).padStart(3, '0')}`;
    } else if (char === "'") {
      out += "'\\''"; // closes a $'…' as well as a '…'
      inDollar = false;
    } else {
      if (inDollar) out += "''";
      inDollar = false;
      out += char;
    }
  }
  return `${out}'`;
}
