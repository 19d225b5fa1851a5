import { TswatchError } from './errors.js';

/** POSIX character classes, as the C locale defines them. */
const CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z',
  digit: '0-9',
  alnum: 'a-zA-Z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  print: ' -~',
  graph: '!-~',
  cntrl: '\\x00-\\x1f\\x7f',
  xdigit: '0-9A-Fa-f',
};

/** GNU regex escapes with a meaning; every other backslash-char is that char, literally. */
const GNU_ESCAPES: Record<string, string> = {
  w: '\\w',
  W: '\\W',
  s: '\\s',
  S: '\\S',
  b: '\\b',
  B: '\\B',
  '<': '\\b(?=\\w)',
  '>': '\\b(?<=\\w)',
  '`': '^',
  "'": '$',
};

function bad(flag: string, pattern: string, why: string): TswatchError {
  return new TswatchError(`${flag}: '${pattern}' is not a POSIX extended regular expression: ${why}`, {
    code: 'EBADPATTERN',
    hint: `${flag} takes a POSIX ERE (as grep -E): ( | ) [ ] [[:alpha:]] * + ? {n,m} ^ $ and \\ escapes`,
  });
}

/**
 * A POSIX extended regular expression (glibc's regcomp with REG_EXTENDED, as inotifywait uses it) as a
 * JavaScript RegExp with the same matches for a yes/no search. Translated: bracket expressions
 * (`[]a]`, `[^]a]`, a literal backslash inside brackets, `[[:alpha:]]` classes in the C locale),
 * `{,n}`, GNU's `\< \> \` \'`. Refused with an error, not guessed: `[[=a=]]` and `[[.a.]]` (locale
 * collation) and JavaScript-only syntax such as `(?…)`. Back-references `\1`–`\9` mean the same in both.
 */
export function ereToRegExp(pattern: string, flag: string, ignoreCase: boolean): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[++i];
      if (next === undefined) throw bad(flag, pattern, 'trailing backslash');
      out += GNU_ESCAPES[next] ?? (/[1-9]/.test(next) ? `\\${next}` : escapeLiteral(next));
    } else if (c === '[') {
      const [source, end] = bracket(pattern, i, flag);
      out += source;
      i = end;
    } else if (c === '(' && pattern[i + 1] === '?') {
      throw bad(flag, pattern, "'(?' is not ERE syntax");
    } else if (c === '{') {
      const m = /^\{(\d*)(,?)(\d*)\}/.exec(pattern.slice(i));
      if (!m) throw bad(flag, pattern, `'{' at offset ${i} starts no {n,m} interval`);
      out += `{${m[1] || '0'}${m[2]}${m[3]}}`;
      i += m[0].length - 1;
    } else {
      out += c;
    }
  }
  try {
    return new RegExp(out, ignoreCase ? 'i' : '');
  } catch (err) {
    throw bad(flag, pattern, (err as Error).message.replace(/^Invalid regular expression: /, ''));
  }
}

const escapeLiteral = (c: string): string => c.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

/** Translate the bracket expression starting at `start`; returns it and the index of its ']'. */
function bracket(pattern: string, start: number, flag: string): [string, number] {
  let i = start + 1;
  let out = '[';
  if (pattern[i] === '^') {
    out += '^';
    i++;
  }
  for (let first = true; i < pattern.length; first = false, i++) {
    const c = pattern[i]!;
    if (c === ']' && !first) return [`${out}]`, i];
    if (c === '[' && /[:=.]/.test(pattern[i + 1] ?? '')) {
      const kind = pattern[i + 1]!;
      const close = pattern.indexOf(`${kind}]`, i + 2);
      if (close === -1) throw bad(flag, pattern, `unterminated [${kind}`);
      const name = pattern.slice(i + 2, close);
      if (kind !== ':') throw bad(flag, pattern, `[${kind}${name}${kind}] (locale collation) is not supported`);
      const cls = CLASSES[name];
      if (cls === undefined) throw bad(flag, pattern, `unknown class [:${name}:]; known: ${Object.keys(CLASSES).join(', ')}`);
      out += cls;
      i = close + 1;
      continue;
    }
    // Inside brackets a backslash is literal in POSIX, and ']' first is a member.
    out += c === '\\' || c === ']' || c === '[' ? `\\${c}` : c;
  }
  throw bad(flag, pattern, "unterminated '['");
}
