import { readFileSync } from 'node:fs';

/** How long a miss waits before /etc/passwd is read again (a user added meanwhile). */
const REREAD_MS = 10_000;

let names: Map<number, string> | undefined;
let readAt = 0;

function load(): Map<number, string> {
  const map = new Map<number, string>();
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const [name, , uid] = line.split(':');
      if (name && uid !== undefined && /^\d+$/.test(uid) && !map.has(Number(uid))) map.set(Number(uid), name);
    }
  } catch {
    // no /etc/passwd: uids stay numbers
  }
  readAt = Date.now();
  return map;
}

/**
 * The local account name of `uid`, from /etc/passwd (read once, and again on a miss at most every 10 s);
 * undefined when there is none (then print the number). Accounts only NSS knows (LDAP) show as numbers.
 */
export function userName(uid: number): string | undefined {
  names ??= load();
  let name = names.get(uid);
  if (name === undefined && Date.now() - readAt > REREAD_MS) {
    names = load();
    name = names.get(uid);
  }
  return name;
}
