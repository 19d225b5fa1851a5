import { runInNewContext } from 'node:vm';
import { lazyBuiltin } from '../src/lazy-builtin.js';

/** node:v8 (with its heap and promise-hook modules) only once a command holds the young generation: a no-op backup never does. */
const v8 = lazyBuiltin<typeof import('node:v8')>('node:v8');

/** Past this many watches the walk's garbage is worth one full collection before watching starts. */
const BIG_WALK = 2000;

/**
 * V8 doubles its young generation (up to 16 MiB × 3) whenever a scavenge finds much alive, and a big
 * tree's walk keeps much alive (each directory's entries and path): the pages stay resident after it.
 * Held at its first 1 MiB for the walk, 20,000 directories × 10 files are watched in ~10 MB less.
 * Afterwards it may grow again: held small through a burst, scavenges come ten times as often and
 * cost more CPU than the memory is worth. After a big walk, one full collection hands back the old
 * generation's pages its garbage took (the Dirents read, the path → wd record): a few MB for ~10 ms.
 */
export function holdYoungGeneration(): (watches: number) => void {
  v8().setFlagsFromString('--semi-space-growth-factor=1');
  return (watches) => {
    v8().setFlagsFromString('--semi-space-growth-factor=2'); // V8's default
    if (watches < BIG_WALK) return;
    v8().setFlagsFromString('--expose-gc'); // seen by contexts made from now on
    (runInNewContext('gc') as () => void)();
  };
}
