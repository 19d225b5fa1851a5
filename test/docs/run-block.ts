import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { matchesTranscript, transcript } from './console-transcript.js';
import type { DocBlock } from './doc-blocks.js';
import type { DocSandbox } from './doc-sandbox.js';
import { mailReceived } from './doc-services.js';

/** How long one condition may take before the block fails: a failure bound, never a pause. */
const LIMIT_MS = 30_000;

/** A process a block started: its own process group, its output gathered (and in a file, for `until`). */
export class BlockProcess {
  output = '';
  stdout = '';
  code: number | null | undefined;
  signal: NodeJS.Signals | null = null;
  readonly exited: Promise<void>;
  private readonly child: ChildProcess;

  constructor(
    command: string,
    args: string[],
    sandbox: DocSandbox,
    readonly outputFile: string,
  ) {
    writeFileSync(outputFile, '');
    this.child = spawn(command, args, {
      cwd: sandbox.home,
      env: { ...sandbox.env, DOCTEST_OUTPUT: outputFile },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const take = (isStdout: boolean) => (chunk: Buffer) => {
      const text = chunk.toString();
      this.output += text;
      if (isStdout) this.stdout += text;
      appendFileSync(outputFile, text);
    };
    this.child.stdout!.on('data', take(true));
    this.child.stderr!.on('data', take(false));
    this.exited = new Promise((resolve) =>
      this.child.on('close', (code, signal) => {
        this.code = code;
        this.signal = signal;
        resolve();
      }),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.code === undefined;
  }

  /** Signal the whole process group (bash and what it started) and wait for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (!this.running) return;
    try {
      process.kill(-this.child.pid!, signal);
    } catch {
      // exited meanwhile
    }
    await this.exited;
  }
}

function bash(script: string, sandbox: DocSandbox, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('bash', ['-e', '-c', script], { cwd: sandbox.home, env: sandbox.env, timeout: LIMIT_MS }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${what} failed (${err.code ?? err.signal}): ${script}\n${stdout}${stderr}`));
      else resolve();
    });
  });
}

function bashSucceeds(script: string, sandbox: DocSandbox, outputFile: string): Promise<boolean> {
  const env = { ...sandbox.env, DOCTEST_OUTPUT: outputFile };
  return new Promise((resolve) => execFile('bash', ['-c', script], { cwd: sandbox.home, env }, (err) => resolve(err === null)));
}

/**
 * Wait until `condition` holds (async), failing with the block's output so far. A condition on the
 * world (`outlives`: a file, a log, a mail) may come true after the block ended well (a `kill -HUP`
 * returns before the daemon reloads); one on the block's own output cannot.
 */
async function until(condition: () => boolean | Promise<boolean>, what: string, proc: BlockProcess, outlives = false): Promise<void> {
  const deadline = Date.now() + LIMIT_MS;
  for (;;) {
    if (await condition()) return;
    if (!proc.running && !(outlives && proc.code === 0) && !(await condition()))
      throw new Error(`the block exited (${proc.code ?? proc.signal}) before ${what}; its output:\n${proc.output}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the block's output:\n${proc.output}`);
    await new Promise((resolve) => setTimeout(resolve, 20)); // the poll interval of a condition
  }
}

/** The command that runs a block's text, written into the sandbox. */
function command(block: DocBlock, code: string, sandbox: DocSandbox): [string, string[]] {
  if (block.kind === 'sh') return ['bash', ['-e', '-c', code]];
  const file = join(sandbox.home, `doc-${block.line}.${block.lang === 'ts' ? 'ts' : 'js'}`);
  writeFileSync(file, code);
  return block.lang === 'ts' ? [process.execPath, ['--import', 'tsx', file]] : [process.execPath, [file]];
}

/**
 * Run one block in the sandbox as docs/README.md says. Returns a process left running (`background`),
 * to be stopped at the page's end.
 */
export async function runBlock(block: DocBlock, sandbox: DocSandbox): Promise<BlockProcess | undefined> {
  const d = block.directives;
  if (d.setup !== undefined) await bash(await sandbox.rewrite(d.setup), sandbox, 'setup');
  const code = await sandbox.rewrite(block.code);
  if (block.kind === 'file') {
    writeFileSync(join(sandbox.home, block.file!), code);
    return undefined;
  }
  if (block.kind === 'console') {
    for (const step of transcript(code)) {
      const proc = new BlockProcess('bash', ['-c', `exec 2>&1\n${step.command}`], sandbox, join(sandbox.dir, `out-${block.line}`));
      await until(() => !proc.running, `\`${step.command}\` to end`, proc);
      const actual = proc.stdout
        .replace(/\n$/, '')
        .split('\n')
        .filter((l, _i, all) => !(all.length === 1 && l === ''));
      if (!matchesTranscript(step.expected, actual))
        throw new Error(`\`${step.command}\` printed:\n${proc.stdout}\nexpected:\n${step.expected.join('\n')}`);
    }
    return undefined;
  }
  const [cmd, args] = command(block, code, sandbox);
  const proc = new BlockProcess(cmd, args, sandbox, join(sandbox.dir, `out-${block.line}`));
  try {
    if (d.wait === 'inotify') await until(() => sandbox.holdsInotifyWatch(proc.pid), 'an inotify watch', proc);
    else if (d.wait !== undefined) await until(() => proc.output.includes(d.wait!), JSON.stringify(d.wait), proc);
    if (d.then !== undefined) await bash(await sandbox.rewrite(d.then), sandbox, 'then');
    if (d.expect !== undefined && d.stop === undefined)
      await until(() => proc.output.includes(d.expect!), `output ${JSON.stringify(d.expect)}`, proc);
    if (d.until !== undefined) {
      const check = await sandbox.rewrite(d.until);
      await until(() => bashSucceeds(check, sandbox, proc.outputFile), `\`${check}\``, proc, true);
    }
    if (d.mail !== undefined) await until(() => mailReceived(d.mail!), `a mail holding ${JSON.stringify(d.mail)}`, proc, true);
    const conditions = d.wait ?? d.expect ?? d.until ?? d.mail;
    if (conditions === undefined || d.stdout !== undefined) await until(() => !proc.running, 'its end', proc);
  } catch (err) {
    await proc.stop('SIGKILL');
    throw err;
  }
  if (!proc.running && proc.code !== 0) throw new Error(`exited with ${proc.code ?? proc.signal}; its output:\n${proc.output}`);
  if (d.stdout !== undefined && proc.stdout.replace(/\n$/, '') !== d.stdout.replace(/\n$/, '')) {
    throw new Error(`stdout was:\n${proc.stdout}\nexpected:\n${d.stdout}`);
  }
  if (d.background) return proc;
  await proc.stop(d.stop);
  // With `stop`, what the block prints on the way out (a stats table) is what `expect` looks for.
  if (d.stop !== undefined && d.expect !== undefined && !proc.output.includes(d.expect)) {
    throw new Error(`output after ${d.stop} lacks ${JSON.stringify(d.expect)}:\n${proc.output}`);
  }
  return undefined;
}
