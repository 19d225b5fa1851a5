'use strict';
// Compile a script with a V8 code cache (Node 20 has no module.enableCompileCache): the cached
// bytecode spares parsing and compiling it at every start. The cache is a help, never a cause of
// failure: a missing, stale, corrupt or unwritable cache only means compiling from source.
const { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const vm = require('node:vm');

/**
 * V8 checks a cache's version, flags and length, not its content (only with a flag that costs
 * node:v8 and all of node:stream to set): a flipped bit or a block of zeros (a crash while it was
 * written) could crash the process or run wrong code. So a cache file is the CRC-32 of the V8 data
 * (little-endian), then the data. zlib.crc32 (Node >= 20.15) is native: a 300 kB cache in well under
 * a millisecond. A checksum loop in JavaScript took 2-6 ms and, being hot, had V8 page its optimizing
 * compiler in at every start (CPU, and some MB of RSS). An older Node has no zlib.crc32: it runs
 * without a cache.
 */
function crc32() {
  const { crc32 } = require('node:zlib');
  return typeof crc32 === 'function' ? crc32 : undefined;
}

/** $XDG_CACHE_HOME/tswatch, else ~/.cache/tswatch ($HOME, as os.homedir() reads it first). */
function cacheDir() {
  const xdg = process.env.XDG_CACHE_HOME;
  if (xdg?.startsWith('/')) return join(xdg, 'tswatch');
  return join(process.env.HOME || require('node:os').homedir(), '.cache', 'tswatch');
}

/**
 * `source` compiled as `filename`, with its cache kept under `key` (a hash of the source: V8 itself
 * checks only its length), `kind` (the command) and this V8's version. `save()`, called once the run
 * has compiled what it needs, writes the cache when there was none or V8 rejected it, and removes the
 * month-old caches of other versions of the source.
 */
function compileCached(source, filename, key, kind) {
  const dir = cacheDir();
  const name = `${key}-${kind}-${process.versions.v8}-${process.arch}.v8cache`;
  const checksum = crc32();
  let cachedData;
  try {
    const file = checksum && readFileSync(join(dir, name));
    const data = file?.subarray(4);
    if (file?.length > 4 && file.readUInt32LE(0) === checksum(data)) cachedData = data;
  } catch {
    // no cache yet (or unreadable): compile from source
  }
  const script = new vm.Script(source, { filename, cachedData });
  const accepted = cachedData !== undefined && !script.cachedDataRejected;
  let saved = accepted || checksum === undefined;
  return {
    script,
    accepted,
    save() {
      if (saved) return;
      saved = true;
      const tmp = join(dir, `${name}.${process.pid}.tmp`);
      try {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        const data = script.createCachedData();
        const sum = checksum(data);
        const head = Buffer.alloc(4);
        head.writeUInt32LE(sum);
        writeFileSync(tmp, Buffer.concat([head, data]), { mode: 0o600 });
        renameSync(tmp, join(dir, name)); // whole or not at all: a reader never sees half a cache
        // Another installed version may share the directory: its caches go only once a month old.
        const month = Date.now() - 30 * 24 * 3600 * 1000;
        for (const old of readdirSync(dir)) {
          if (old.startsWith(`${key}-`) || !old.endsWith('.v8cache')) continue;
          if (statSync(join(dir, old)).mtimeMs < month) rmSync(join(dir, old), { force: true });
        }
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
