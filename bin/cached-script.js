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
 * written) could crash the process or run wrong code. So a cache file is a 32-bit FNV-1a of the V8
 * data (little-endian), then the data. It is computed in WebAssembly, as a JS loop over 300 kB is
 * slow before V8 optimises it and node:crypto is slow to load. The module, in text form:
 *   (func (export "h") (param $n i32) (result i32) (local $i i32) (local $h i32)
 *     (local.set $h (i32.const 0x811c9dc5))
 *     (block (loop (br_if 1 (i32.ge_u (local.get $i) (local.get $n)))
 *       (local.set $h (i32.mul (i32.xor (local.get $h) (i32.load (local.get $i))) (i32.const 16777619)))
 *       (local.set $i (i32.add (local.get $i) (i32.const 4))) (br 0)))
 *     (local.get $h))
 * with its memory imported as m.m. Past $n it reads zeros: the length is checked by V8.
 */
const FNV1A_WASM = Buffer.from(
  '0061736d0100000001060160017f017f020801016d016d02000003020100070501016800000a36013401027f41c5bbf28878210202400340200120004f0d01200220012802007341938380086c2102200141046a21010c000b0b20020b',
  'hex',
);

/** The checksum of `data`, or undefined where WebAssembly is off (node --jitless): then no cache is used. */
function checksum(data) {
  if (typeof WebAssembly !== 'object') return undefined;
  const memory = new WebAssembly.Memory({ initial: Math.ceil((data.length + 4) / 65536) });
  new Uint8Array(memory.buffer).set(data);
  return new WebAssembly.Instance(new WebAssembly.Module(FNV1A_WASM), { m: { m: memory } }).exports.h(data.length) >>> 0;
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
  let cachedData;
  try {
    const file = readFileSync(join(dir, name));
    const data = file.subarray(4);
    if (file.length > 4 && file.readUInt32LE(0) === checksum(data)) cachedData = data;
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
        const data = script.createCachedData();
        const sum = checksum(data);
        if (sum === undefined) return;
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
