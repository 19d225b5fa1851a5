/** A `tswatch daemon` test's set-up: three watched directories, their output files, the config, pidfile and ctl. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnTswatch } from './spawn-cli.js';
import { tmpDir } from './tmp-dir.js';

/** The non-empty lines of `file` (none while it does not exist). */
export const lines = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

/** A command (argv, as YAML flow list) appending its file name as a line to `out`. */
export const append = (out: string, tag = ''): string => `[sh, -c, 'printf "%s\\n" "${tag}$1" >> "$0"', '${out}', '{name}']`;

export function daemonSetUp() {
  const root = tmpDir();
  const dirs = { a: join(root, 'a'), b: join(root, 'b'), c: join(root, 'c') };
  for (const dir of Object.values(dirs)) mkdirSync(dir);
  const outs = { a: join(root, 'out-a'), b: join(root, 'out-b'), c: join(root, 'out-c') };
  const config = join(root, 'tswatch.yaml');
  const pidfile = join(root, 'tswatch.pid');
  const ctl = (...args: string[]) => spawnTswatch(['ctl', '--pidfile', pidfile, ...args]);
  return { root, dirs, outs, config, pidfile, ctl };
}

/** `tswatch ctl --json …`'s answer, once it exited 0. */
export async function ctlJson(run: ReturnType<typeof spawnTswatch>): Promise<Array<Record<string, unknown>>> {
  assert.equal(await run.exited, 0, run.stderr);
  return JSON.parse(run.stdout) as Array<Record<string, unknown>>;
}
