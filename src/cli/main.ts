import { CommanderError } from 'commander';
import { TswatchError } from '../errors.js';
import { toRunOptions, type ParsedFlags } from './options.js';
import { buildProgram } from './program.js';
import { EXIT, run } from './run.js';

/** The `tswatch` command: parse, run, set the exit status. Never calls process.exit(). */
export async function main(argv: string[] = process.argv): Promise<void> {
  const program = buildProgram().exitOverride();
  try {
    program.parse(argv);
    const options = toRunOptions(program.args, program.opts<ParsedFlags>());
    process.exitCode = await run(options, { stdout: process.stdout, stderr: process.stderr });
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : EXIT.error;
    } else if (err instanceof TswatchError) {
      process.stderr.write(`tswatch: ${err.describe()}\n`);
      process.exitCode = EXIT.error;
    } else {
      throw err;
    }
  }
}
