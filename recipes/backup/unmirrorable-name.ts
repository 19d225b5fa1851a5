import { escapedName, TswatchError } from '../../src/index.js';
import { isTempName } from './copy-file.js';
import { isReservedName } from './manifest.js';

/** Why a SRC path cannot be mirrored under its own name: it is tswatch's own in DEST, or not UTF-8. */
export type NameProblem = 'tswatch' | 'bytes';

/** fsDecode's stand-ins for bytes that are not UTF-8: Node's string paths would name another file. */
const NOT_UTF8 = /\p{Cs}/u;

/**
 * The top-most part of SRC/rel that cannot be mirrored, and why: a name tswatch keeps for itself in
 * DEST (the manifest, the versions, at the top; temp files, anywhere), or a name that is not UTF-8
 * (fs takes such a name only as bytes, which the backup does not carry). Undefined when all is well.
 */
export function unmirrorable(rel: string): { rel: string; why: NameProblem } | undefined {
  if (rel === '') return undefined;
  const parts = rel.split('/');
  for (let i = 0; i < parts.length; i++) {
    const why = nameProblem(parts[i]!, i === 0);
    if (why !== undefined) return { rel: parts.slice(0, i + 1).join('/'), why };
  }
  return undefined;
}

/** Why one name cannot be mirrored (`top`: it is directly in SRC), for a walk that checked its parents already. */
export function nameProblem(name: string, top: boolean): NameProblem | undefined {
  return (top && isReservedName(name)) || isTempName(name) ? 'tswatch' : NOT_UTF8.test(name) ? 'bytes' : undefined;
}

/** The line that names such a path: it is not backed up, and what to do about it. */
export function unmirrorableError(rel: string, why: NameProblem): TswatchError {
  const shown = `SRC/${escapedName(rel)}`;
  return why === 'tswatch'
    ? new TswatchError(`${shown}: not backed up, the name is tswatch's own in DEST`, {
        code: 'ERESERVED',
        path: rel,
        hint: 'rename it, or --exclude it (as when SRC is itself a tswatch backup)',
      })
    : new TswatchError(`${shown}: not backed up, the name is not UTF-8 (shown with \\x escapes)`, {
        code: 'EILSEQ',
        path: rel,
        hint: 'rename it to UTF-8 (convmv, or mv with the name typed as bytes), or --exclude it',
      });
}
