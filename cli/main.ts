import { type Command, CommanderError } from 'commander';
import { TswatchError } from '../src/errors.js';
import { buildProgram } from './program.js';
import { EXIT } from './exit-status.js';
import { rawArgv } from './raw-argv.js';

/** Settings every command of the tree needs (addCommand does not pass them down). */
function configure(command: Command): void {
  command
    .exitOverride()
    .showHelpAfterError(`(run ${fullName(command)} --help for the options)`)
    // Commander's own errors (an unknown option, a missing value) in tswatch's voice, as every other error.
    .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'tswatch: ')) });
  for (const sub of command.commands) configure(sub);
}

function fullName(command: Command): string {
  return command.parent ? `${fullName(command.parent)} ${command.name()}` : command.name();
}

/**
 * The `tswatch` command: parse, run, set the exit status. Never calls process.exit(). An argument that
 * is not UTF-8 keeps its bytes (see rawArgv): fsPath turns it back into them for node:fs.
 */
export async function main(argv: string[] = rawArgv()): Promise<void> {
  // `tswatch --help | head`: a reader that went away is not an error (a C tool would just get SIGPIPE).
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
  // Node's default printer adds a stack hint meant for developers; a user gets one plain line.
  process.removeAllListeners('warning');
  process.on('warning', (warning) => process.stderr.write(`tswatch: warning: ${warning.message}\n`));
  const program = await buildProgram(argv);
  configure(program);
  try {
    await program.parseAsync(argv);
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
