import { readFileSync } from 'node:fs';
import { fsDecode } from '../src/fs-names.js';

/** The NUL-terminated arguments of /proc/self/cmdline, as bytes. */
function cmdline(): Buffer[] {
  const bytes = readFileSync('/proc/self/cmdline');
  const args: Buffer[] = [];
  for (let start = 0; start < bytes.length; ) {
    const end = bytes.indexOf(0, start);
    args.push(bytes.subarray(start, end === -1 ? bytes.length : end));
    start = end === -1 ? bytes.length : end + 1;
  }
  return args;
}

/**
 * process.argv with each argument that is not UTF-8 given its exact bytes back (as fsDecode writes them:
 * `name\xff` → "name\udcff"). Node decodes argv as UTF-8, so `name\xff` and `name\xfe` would both arrive
 * as "name\uFFFD", the name of another file. Only an argument holding U+FFFD can have lost bytes: without
 * one, nothing is read. Node's own options come before the script, so the script and the arguments are
 * the last argv.length - 1 entries of the command line; each is taken only if it decodes to what Node gave.
 */
export function rawArgv(argv: readonly string[] = process.argv): string[] {
  if (!argv.slice(2).some((arg) => arg.includes('\uFFFD'))) return [...argv];
  let raw: Buffer[];
  try {
    raw = cmdline().slice(-(argv.length - 1));
  } catch {
    return [...argv]; // no /proc: as Node decoded it
  }
  if (raw.length !== argv.length - 1) return [...argv];
  return argv.map((arg, i) => {
    const bytes = i < 2 ? undefined : raw[i - 1];
    return bytes !== undefined && bytes.toString('utf8') === arg ? fsDecode(bytes) : arg;
  });
}
