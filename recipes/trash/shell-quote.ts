const ESCAPES: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\t': '\\t', '\n': '\\n', '\v': '\\v', '\f': '\\f', '\r': '\\r' };
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;

/**
 * A file name quoted as GNU coreutils quotes it in messages (quoting style shell-escape-always), so
 * `tswatch trash rm` says what rm says: 'a b', "it's", 'nl'$'\n''x'. Pasting it into a shell gives
 * the name back.
 */
export function shellQuote(name: string): string {
  if (!CONTROL.test(name)) {
    if (!name.includes("'")) return `'${name}'`;
    if (!/[$`"\\!]/.test(name)) return `"${name}"`;
  }
  let out = "'";
  let inDollar = false;
  for (const char of name) {
    if (CONTROL.test(char)) {
      if (!inDollar) out += "'$'";
      inDollar = true;
      out += ESCAPES[char] ?? `\\${char.charCodeAt(0).toString(8).padStart(3, '0')}`;
      continue;
    }
    if (inDollar) out += "''";
    inDollar = false;
    out += char === "'" ? "'\\''" : char;
  }
  return `${out}'`;
}
