'use strict';
// Compile a script with a V8 code cache (Node 20 has no module.enableCompileCache): the cached
// bytecode spares parsing and compiling it at every start. The cache is a help, never a cause of
// failure: a missing, stale, rejected or unwritable cache only means compiling from source.
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { homedir } = require('node:os');
const { join } = require('node:path');
const vm = require('node:vm');

/** $XDG_CACHE_HOME/tswatch, else ~/.cache/tswatch. */
function cacheDir() {
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg && xdg.startsWith('/') ? xdg : join(homedir(), '.cache'), 'tswatch');
}

/**
 * `source` compiled as `filename`, with the cache kept under `key` (a hash of the source: V8 itself
 * checks only the source's length) and this V8's version. `save()` writes the cache after a run when
 * there was none or V8 rejected it: the functions that run compiled by then are in it.
 */
function compileCached(source, filename, key) {
  const file = join(cacheDir(), `${key}-${process.versions.v8}-${process.arch}.v8cache`);
  let cachedData;
  try {
    cachedData = readFileSync(file);
  } catch {
    // no cache yet (or unreadable): compile from source
  }
  const script = new vm.Script(source, { filename, cachedData });
  const accepted = cachedData !== undefined && !script.cachedDataRejected;
  return {
    script,
    accepted,
    save() {
      if (accepted) return;
      const tmp = `${file}.${process.pid}.tmp`;
      try {
        mkdirSync(cacheDir(), { recursive: true, mode: 0o700 });
        writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
        renameSync(tmp, file); // whole or not at all: a reader never sees half a cache
      } catch {
        try {
          require('node:fs').rmSync(tmp, { force: true });
        } catch {
          // nothing to clean up
        }
      }
    },
  };
}

module.exports = { cacheDir, compileCached };
