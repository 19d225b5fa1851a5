import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

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
  setFlagsFromString('--semi-space-growth-factor=1');
  return (watches) => {
    setFlagsFromString('--semi-space-growth-factor=2'); // V8's default
    if (watches < BIG_WALK) return;
    setFlagsFromString('--expose-gc'); // seen by contexts made from now on
    (runInNewContext('gc') as () => void)();
  };
}
