import { accessSync, constants, lstatSync, readdirSync, rmSync, type Stats } from 'node:fs';
import { basename, join } from 'node:path';
import { fsDecode, fsPath } from '../../src/index.js';
import { namesInDirectoryOrder as entries, resolveExact } from './exact-names.js';
import { reasonOf } from './trash-error.js';
import { shellQuote as q } from './shell-quote.js';
import type { Trash } from './trash.js';

/** rm's flags. When both -f and -i are given, the later one wins (the caller keeps that order). */
export interface RmOptions {
  recursive?: boolean;
  force?: boolean;
  interactive?: boolean;
  /** -d: remove empty directories. */
  dir?: boolean;
  verbose?: boolean;
  /** Delete for good instead of trashing (the way out on a full disk). */
  permanent?: boolean;
}

export interface RmIO {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Print `prompt` (with no newline) and read a yes/no answer: rm's `y…` is yes, anything else or EOF no. */
  ask(prompt: string): Promise<boolean>;
  /** stdin is a terminal: rm then asks before removing a write-protected file. */
  isTTY?: boolean;
}

function describe(st: Stats): string {
  if (st.isFile()) return st.size === 0 ? 'regular empty file' : 'regular file';
  if (st.isDirectory()) return 'directory';
  if (st.isSymbolicLink()) return 'symbolic link';
  if (st.isFIFO()) return 'fifo';
  if (st.isSocket()) return 'socket';
  return st.isCharacterDevice() ? 'character special file' : 'block special file';
}

/** Post-order listing of a tree (children before their directory), in directory order as `rm -rv` reports removals. */
function removals(path: string, st: Stats): string[] {
  if (!st.isDirectory()) return [`removed ${q(path)}`];
  const lines: string[] = [];
  for (const name of entries(path)) {
    const child = join(path, name);
    lines.push(...removals(child, lstatSync(fsPath(child))));
  }
  return [...lines, `removed directory ${q(path)}`];
}

/**
 * `rm` with the trash in place of unlink: the same flags (-r -f -i -d -v), messages, prompts and exit
 * status (0, or 1 if anything could not be removed), but every removed file can be restored.
 */
export async function trashRm(trash: Trash, operands: string[], options: RmOptions, io: RmIO): Promise<number> {
  let status = 0;
  const fail = (message: string): false => {
    io.stderr.write(`rm: ${message}\n`);
    status = 1;
    return false;
  };

  /** Remove one path; true if it is gone. */
  const remove = async (path: string): Promise<boolean> => {
    const stripped = path.replace(/\/+$/, '');
    if (stripped !== '' && ['.', '..'].includes(basename(stripped))) {
      return options.recursive || options.dir
        ? fail(`refusing to remove '.' or '..' directory: skipping ${q(path)}`)
        : fail(`cannot remove ${q(path)}: Is a directory`);
    }
    if (resolveExact(path) === '/') {
      if (!options.recursive) return fail(`cannot remove ${q(path)}: Is a directory`);
      fail(`it is dangerous to operate recursively on '/'`);
      return fail(`tswatch trash rm never removes '/'`);
    }
    let st: Stats;
    try {
      st = lstatSync(fsPath(path));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && options.force) return false;
      return fail(`cannot remove ${q(path)}: ${reasonOf(err)}`);
    }
    if (st.isDirectory()) {
      if (!options.recursive && !options.dir) return fail(`cannot remove ${q(path)}: Is a directory`);
      let children: string[];
      try {
        children = entries(path);
      } catch (err) {
        // rm cannot empty a directory it cannot read, so it stays; so does it here (a trash that holds it could not be emptied).
        return fail(`cannot remove ${q(path)}: ${reasonOf(err)}`);
      }
      if (!options.recursive && children.length > 0) return fail(`cannot remove ${q(path)}: Directory not empty`);
      // A tree is trashed whole, unless rm would have kept part of it: then entry by entry, as rm goes.
      const split = children.length > 0 && (options.interactive || !readableTree(path));
      if (split) {
        if (options.interactive && !(await io.ask(`rm: descend into directory ${q(path)}? `))) return false;
        let all = true;
        for (const name of children) all = (await remove(join(path, name))) && all;
        // As rm: a directory something was kept in is left without asking.
        if (!all) return false;
      }
    }
    const kind = describe(st);
    if (options.interactive) {
      if (!(await io.ask(`rm: remove ${kind} ${q(path)}? `))) return false;
    } else if (!options.force && io.isTTY && !st.isSymbolicLink() && !writable(path)) {
      if (!(await io.ask(`rm: remove write-protected ${kind} ${q(path)}? `))) return false;
    }
    const report = options.verbose ? removals(path, st) : [];
    try {
      if (options.permanent) rmSync(fsPath(path), { recursive: st.isDirectory() });
      else trash.put(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      fail(`cannot remove ${q(path)}: ${reasonOf(err)}`);
      if (!options.permanent && (code === 'ENOSPC' || code === 'EDQUOT')) {
        io.stderr.write(
          `rm: moving ${q(path)} to the trash needs space its filesystem does not have; it was left in place. Free space, or delete it for good: tswatch trash rm --permanent ${q(path)} (or: command rm ${q(path)})\n`,
        );
      }
      return false;
    }
    for (const line of report) io.stdout.write(`${line}\n`);
    return true;
  };

  if (operands.length === 0 && !options.force) {
    io.stderr.write("rm: missing operand\nTry 'tswatch trash rm --help' for more information.\n");
    return 1;
  }
  for (const operand of operands) await remove(operand);
  return status;
}

/** Every directory below `path` can be listed (and so emptied), as rm must to remove the tree. */
function readableTree(path: string): boolean {
  try {
    return readdirSync(fsPath(path), { withFileTypes: true, encoding: 'buffer' }).every(
      (e) => !e.isDirectory() || readableTree(join(path, fsDecode(e.name))),
    );
  } catch {
    return false;
  }
}

function writable(path: string): boolean {
  try {
    accessSync(fsPath(path), constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
