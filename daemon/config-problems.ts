import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { ZodError } from 'zod';
import { TswatchError } from '../src/index.js';

/** Where in a config a problem is: keys and sequence indexes from the top (`['watches', 1, 'events']`). */
export type KeyPath = ReadonlyArray<string | number>;

/** Report `message` against the key at `at`. */
export type ReportProblem = (at: KeyPath, message: string) => void;

/** `watches[1].events` */
export function keyPath(path: KeyPath): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('') || '(top level)';
}

/** Offset of the key (or sequence item) at `path` in the document, as deep as it exists. */
export function offsetOf(root: unknown, path: KeyPath): number {
  let node = root as Node | null | undefined;
  let offset = node?.range?.[0] ?? 0;
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === part);
      if (pair === undefined) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value as Node | null;
    } else if (isSeq(node) && typeof part === 'number') {
      node = node.items[part] as Node | undefined;
      if (node === undefined) break;
      offset = node.range?.[0] ?? offset;
    } else {
      break;
    }
  }
  return offset;
}

/** zod's issues, each at its key (`under` the path of the value checked). */
export function reportIssues(error: ZodError, under: KeyPath, report: ReportProblem): void {
  for (const issue of error.issues) {
    const path = [...under, ...issue.path] as KeyPath;
    const keys = (issue as { keys?: string[] }).keys;
    if (issue.code === 'unrecognized_keys' && keys) for (const key of keys) report([...path, key], `unknown key '${key}'`);
    else report(path, issue.message);
  }
}

/** A TswatchError as a config problem at `key`: its message without the flag name, and its hint. */
export function reportError(err: unknown, key: string, report: (key: string, message: string) => void): void {
  if (!(err instanceof TswatchError)) throw err;
  report(key, `${err.message.replace(/^(--\w+|stream): /, '')}${err.hint ? ` (${err.hint})` : ''}`);
}
