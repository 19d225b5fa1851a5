import type { Command } from 'commander';
import { execCommand } from './commands/exec.js';
import { restartCommand } from './commands/restart.js';
import { daemonCommand } from './commands/daemon.js';
import { runCommand } from './commands/run.js';
import { ctlCommand } from './commands/ctl.js';

/**
 * The subcommands of `tswatch` (`tswatch stats …`, `tswatch trash …`), each built by a function in
 * `src/cli/commands/<name>.ts` that declares its options and its action. Its action sets
 * `process.exitCode` or throws a TswatchError; `main` prints the error and sets the status.
 */
export const SUBCOMMANDS: ReadonlyArray<() => Command> = [
  execCommand,
  restartCommand,
  runCommand,
  daemonCommand,
  ctlCommand,
];
