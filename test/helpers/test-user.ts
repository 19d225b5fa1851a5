import { spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { spawnCommand, TSWATCH_BIN } from './spawn-cli.js';

/** The real unprivileged account non-root behaviour is tested as (CI runs as root). */
export const TEST_USER = 'tswatch-test';

export interface TestUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

let known: TestUser | undefined;

/** Why a non-root test cannot run here (not root, no useradd), or undefined: pass to `test(…, { skip })`. */
export function noTestUser(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to create and become a test user';
  try {
    testUser();
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** The test user, created on first use; parallel test files may race to create it, so "exists" is fine. */
export function testUser(): TestUser {
  if (known) return known;
  for (let attempt = 0; ; attempt++) {
    const id = spawnSync('getent', ['passwd', TEST_USER], { encoding: 'utf8' });
    if (id.status === 0) {
      const [, , uid, gid, , home] = id.stdout.trim().split(':');
      return (known = { name: TEST_USER, uid: Number(uid), gid: Number(gid), home: home! });
    }
    // Exit 9: created meanwhile by another test file; 1 or 10: /etc/passwd or /etc/group locked, try again.
    const made = spawnSync('useradd', ['--create-home', '--shell', '/bin/sh', TEST_USER], { encoding: 'utf8' });
    if (made.status !== 0 && made.status !== 9 && attempt >= 20) throw new Error(`useradd ${TEST_USER}: ${made.stderr.trim()}`);
    if (made.status !== 0 && made.status !== 9) spawnSync('sleep', ['0.1']);
  }
}

/** A fresh temp directory owned by the test user, removed when the test file ends. */
export function testUserDir(prefix = 'tswatch-user-'): string {
  const user = testUser();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chownSync(dir, user.uid, user.gid);
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The processes runuser started (the command itself), none once it has ended. */
function childrenOf(pid: number | undefined): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** `command args…` as the test user (its HOME, USER and groups), output gathered as for spawnCommand. */
export function spawnAsTestUser(command: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string) {
  const user = testUser();
  const vars = Object.entries(env).map(([key, value]) => `${key}=${value ?? ''}`);
  let run: ReturnType<typeof spawnCommand> | undefined;
  // Before spawnCommand's own hook (hooks run in the order given), which SIGKILLs runuser: that leaves
  // the command running, holding the output pipes, and a failed test file would never end.
  after(() => {
    for (const pid of childrenOf(run?.child.pid)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // ended meanwhile
      }
    }
  });
  run = spawnCommand('runuser', ['-u', user.name, '--', 'env', `HOME=${user.home}`, ...vars, command, ...args], {}, cwd);
  return run;
}

/**
 * A signal to the command itself, not to runuser (which would answer it by killing its child and exiting
 * without the child's status). Resolves with the command's exit status, as runuser passes it on.
 */
export function signalTestUserCommand(run: ReturnType<typeof spawnAsTestUser>, signal: NodeJS.Signals): Promise<number | null> {
  const [pid] = childrenOf(run.child.pid);
  if (pid === undefined) throw new Error('the command run as the test user has already ended');
  process.kill(pid, signal);
  return run.exited;
}

/** `tswatch args…` as the test user. */
export function spawnTswatchAsTestUser(args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string) {
  return spawnAsTestUser(process.execPath, [TSWATCH_BIN, ...args], env, cwd);
}
