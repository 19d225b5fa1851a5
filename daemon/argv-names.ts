import { escapedName, fsEncode } from '../src/index.js';

/**
 * A lone surrogate: how the core keeps a byte of a name that is not UTF-8 (fsDecode: byte → U+DC80+byte).
 * Node hands argv and the environment to execve as UTF-8, where a lone surrogate becomes U+FFFD: `name\xff`
 * and `name\xfe` would both arrive as the real file `name\xef\xbf\xbd`. Such a value cannot be carried.
 */
const LONE_SURROGATE = /\p{Cs}/u;

/** True when argv or the environment can carry `value` byte for byte. */
export function argvCarries(value: string): boolean {
  return !LONE_SURROGATE.test(value);
}

/** Paths as NUL-terminated records of their exact bytes (a batch's stdin): names that are not UTF-8 intact. */
export function nulRecords(paths: readonly string[]): Buffer {
  const nul = Buffer.of(0);
  return Buffer.concat(paths.flatMap((path) => [fsEncode(path), nul]));
}

/** Directories remembered for "said once": past this many, each new one is said again (memory stays bounded). */
const REMEMBERED_DIRS = 10_000;

/**
 * Counts the events whose command was not run because argv could not carry a value, and says so once
 * per directory, naming the first such name escaped. Never a nearby string in its place: that could
 * name another, existing file (`rm {path}` would remove it).
 */
export class RefusedNames {
  count = 0;
  private readonly said = new Set<string>();

  constructor(
    private readonly log: (line: string) => void,
    private readonly remedy: string,
  ) {}

  refuse(path: string, dir: string): void {
    this.count++;
    if (this.said.has(dir)) return;
    if (this.said.size >= REMEMBERED_DIRS) this.said.clear();
    this.said.add(dir);
    this.log(
      `not run for '${escapedName(path)}': its name is not UTF-8 and a command's arguments and environment carry UTF-8 only ` +
        `(the bytes would arrive as another name); further such names in '${escapedName(dir)}' are not run either, ` +
        `counted as 'refused' in status. ${this.remedy}`,
    );
  }
}
