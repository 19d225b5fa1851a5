import { spawnSync } from 'node:child_process';
import { TSWATCH_BIN } from './spawn-cli.js';

export interface RawRun {
  status: number | null;
  stdout: Buffer;
  stderr: Buffer;
}

/** One argument as bash's $'\xHH…' for every byte: the exact bytes, whatever they are (never NUL). */
const hexWord = (arg: string | Buffer): string =>
  `$'${[...Buffer.from(arg)].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('')}'`;

/**
 * Run a command with arguments that are raw bytes, as a shell user types them ($'name\xff'). Node's spawn
 * sends every argument as UTF-8, so a name that is not UTF-8 goes through bash, which execs it verbatim.
 */
export function runRaw(
  command: string,
  args: Array<string | Buffer>,
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
): RawRun {
  const result = spawnSync('bash', ['-c', `exec ${[command, ...args].map(hexWord).join(' ')}`], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    input: options.input ?? '',
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `tswatch ARGS…` with raw-byte arguments, run to completion. */
export function tswatchRaw(args: Array<string | Buffer>, options: Parameters<typeof runRaw>[2] = {}): RawRun {
  return runRaw(process.execPath, [TSWATCH_BIN, ...args], options);
}

/** `dir/prefix` followed by raw bytes, as fs takes it. */
export const rawName = (dir: string, prefix: string, ...bytes: number[]): Buffer =>
  Buffer.concat([Buffer.from(`${dir}/${prefix}`), Buffer.from(bytes)]);
