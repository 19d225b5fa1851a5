import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanup } from './cleanup.js';
import { Trash } from '../../recipes/trash/index.js';
import { TSWATCH_BIN } from './spawn-cli.js';
import { tmpDir } from './tmp-dir.js';

/**
 * A private HOME with its own home trash, so tests never touch the machine's trash. XDG_DATA_HOME is set
 * explicitly: trash-cli takes an inherited empty one literally. `trash` (and `options`) look only in
 * the home trash, so emptying it can never reach a real volume trash such as /.Trash-0.
 */
export function trashEnv() {
  const root = tmpDir('tswatch-trash-');
  const home = join(root, 'home');
  const work = join(root, 'work');
  mkdirSync(home);
  mkdirSync(work);
  const env = { HOME: home, XDG_DATA_HOME: join(home, '.local', 'share') };
  const homeTrash = join(env.XDG_DATA_HOME, 'Trash');
  const options = { env, trashDirs: [homeTrash] };
  return { root, home, work, env, homeTrash, options, trash: new Trash(options) };
}

export interface SyncRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Run a command to completion with `input` on stdin (none: stdin at EOF, as in CI). */
export function runSync(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): SyncRun {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `tswatch ARGS…` run to completion. */
export function tswatchSync(args: string[], options: Parameters<typeof runSync>[2] = {}): SyncRun {
  return runSync(process.execPath, [TSWATCH_BIN, ...args], options);
}

function rmdirQuietly(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // not empty (someone else's trash too), or never made
  }
}

/**
 * A directory on a filesystem other than the temp dir's: a tmpfs mounted for the test (root), else
 * /dev/shm when it is a different filesystem; `skip` says why there is none.
 */
export function secondFilesystem(): { top: string; dir: string } | { skip: string } {
  const mountPoint = mkdtempSync(join(tmpdir(), 'tswatch-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m,mode=0755', 'tswatch-test', mountPoint], { stdio: 'pipe' });
    cleanup(`unmounting ${mountPoint}`, () => {
      execFileSync('umount', ['-l', mountPoint], { stdio: 'pipe' });
      rmSync(mountPoint, { recursive: true, force: true });
    });
    return { top: mountPoint, dir: mountPoint };
  } catch (err) {
    rmSync(mountPoint, { recursive: true, force: true });
    try {
      accessSync('/dev/shm', constants.W_OK);
      if (statSync('/dev/shm').dev !== statSync(tmpdir()).dev) {
        const dir = mkdtempSync('/dev/shm/tswatch-');
        cleanup(`removing ${dir}`, () => {
          rmSync(dir, { recursive: true, force: true });
          // The volume trash the test made, if nothing else is in it.
          const trash = join('/dev/shm', `.Trash-${process.getuid!()}`);
          for (const empty of [join(trash, 'info'), join(trash, 'files'), trash]) rmdirQuietly(empty);
        });
        return { top: '/dev/shm', dir };
      }
    } catch {
      // no /dev/shm either
    }
    return { skip: `no second filesystem: mount -t tmpfs failed (${(err as Error).message.split('\n')[0]}) and /dev/shm is not usable` };
  }
}
