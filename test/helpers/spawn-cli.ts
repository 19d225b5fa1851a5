import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after } from 'node:test';
import { waitFor } from './wait-for.js';

export const TSWATCH_BIN = fileURLToPath(new URL('../../../bin/tswatch.js', import.meta.url));

/**
 * A command run as a user would, its output gathered as it comes; killed when the test file ends.
 * `env` adds to the test's environment (an undefined value removes a variable).
 */
export function spawnCommand(command: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string) {
  const child: ChildProcess = spawn(command, args, { env: { ...process.env, ...env }, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  const stdoutChunks: Buffer[] = [];
  let stderr = '';
  let code: number | null | undefined;
  child.stdout!.on('data', (chunk: Buffer) => {
    stdoutChunks.push(chunk);
    stdout += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (c) => {
      code = c;
      resolve(c);
    }),
  );
  after(() => {
    if (code === undefined) child.kill('SIGKILL');
  });
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    /** stdout as bytes (names that are not UTF-8 intact). */
    stdoutBytes: () => Buffer.concat(stdoutChunks),
    lines: () => stdout.split('\n').filter((l) => l !== ''),
    waitStderr: (text: string) =>
      waitFor(
        () => stderr.includes(text),
        () => `stderr to contain ${JSON.stringify(text)}: ${stderr}`,
      ),
    waitStdout: (text: string) =>
      waitFor(
        () => stdout.includes(text),
        () => `stdout to contain ${JSON.stringify(text)}: ${stdout}`,
      ),
    waitLines: (n: number) =>
      waitFor(
        () => stdout.split('\n').filter((l) => l !== '').length >= n,
        () => `${n} lines, have: ${stdout}`,
      ),
    exited,
  };
}

/** `tswatch ARGS…` through bin/tswatch.js. */
export function spawnTswatch(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnCommand(process.execPath, [TSWATCH_BIN, ...args], env);
}
