'use strict';
// Compile a script with a V8 code cache (Node 20 has no module.enableCompileCache): the cached
// bytecode spares parsing and compiling it at every start. The cache is a help, never a cause of
// failure: a missing, stale, corrupt or unwritable cache only means compiling from source.
const { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const vm = require('node:vm');

// V8 checks a cache's version, flags and length, but its content only with this flag: a cache with a
// flipped bit or a block of zeros (a crash while it was written) could crash the process or run
// wrong code. With it, such a cache is rejected like a stale one (and rewritten).
require('node:v8').setFlagsFromString('--verify-snapshot-checksum');

/** $XDG_CACHE_HOME/tswatch, else ~/.cache/tswatch ($HOME, as os.homedir() reads it first). */
function cacheDir() {
  const xdg = process.env.XDG_CACHE_HOME;
  if (xdg && xdg.startsWith('/')) return join(xdg, 'tswatch');
  return join(process.env.HOME || require('node:os').homedir(), '.cache', 'tswatch');
}

/**
 * `source` compiled as `filename`, with its cache kept under `key` (a hash of the source: V8 itself
 * checks only its length), `kind` (the command) and this V8's version. `save()`, called once the run
 * has compiled what it needs, writes the cache when there was none or V8 rejected it, and removes the
 * caches of other versions of the source.
 */
function compileCached(source, filename, key, kind) {
  const dir = cacheDir();
  const name = `${key}-${kind}-${process.versions.v8}-${process.arch}.v8cache`;
  let cachedData;
  try {
    cachedData = readFileSync(join(dir, name));
  } catch {
    // no cache yet (or unreadable): compile from source
  }
  const script = new vm.Script(source, { filename, cachedData });
  const accepted = cachedData !== undefined && !script.cachedDataRejected;
  let saved = accepted;
  return {
    script,
    accepted,
    save() {
      if (saved) return;
      saved = true;
      const tmp = join(dir, `${name}.${process.pid}.tmp`);
      try {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
        renameSync(tmp, join(dir, name)); // whole or not at all: a reader never sees half a cache
        for (const old of readdirSync(dir)) if (!old.startsWith(`${key}-`) && old.endsWith('.v8cache')) rmSync(join(dir, old), { force: true });
      } catch {
        try {
          rmSync(tmp, { force: true });
        } catch {
          // nothing was written
        }
      }
    },
  };
}

module.exports = { cacheDir, compileCached };
