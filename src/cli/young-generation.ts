import { setFlagsFromString } from 'node:v8';

/**
 * V8 doubles its young generation (up to 16 MiB × 3) whenever a scavenge finds much alive, and a big
 * tree's walk keeps much alive (each directory's entries and path): the pages stay resident after it.
 * Held at its first 1 MiB for the walk, 20,000 directories × 10 files are watched in ~10 MB less.
 * Afterwards it may grow again: held small through a burst, scavenges come ten times as often and
 * cost more CPU than the memory is worth.
 */
export function holdYoungGeneration(): () => void {
  setFlagsFromString('--semi-space-growth-factor=1');
  return () => setFlagsFromString('--semi-space-growth-factor=2'); // V8's default
}
