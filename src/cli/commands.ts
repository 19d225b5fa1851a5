import type { Command } from 'commander';
import { completionCommand } from './commands/completion.js';
import { doctorCommand } from './commands/doctor.js';
import { trashCommand } from './commands/trash.js';
import { statsCommand } from './commands/stats.js';
import { alertCommand } from './commands/alert.js';
import { reportCommand } from './commands/report.js';
import { backupCommand } from './commands/backup.js';
import { execCommand } from './commands/exec.js';
import { restartCommand } from './commands/restart.js';
import { daemonCommand } from './commands/daemon.js';
import { runCommand } from './commands/run.js';
import { ctlCommand } from './commands/ctl.js';
import { tailCommand } from './commands/tail.js';

/**
 * The subcommands of `tswatch` (`tswatch stats …`, `tswatch trash …`), each built by a function in
 * `src/cli/commands/<name>.ts` that declares its options and its action. Its action sets
 * `process.exitCode` or throws a TswatchError; `main` prints the error and sets the status.
 */
export const SUBCOMMANDS: ReadonlyArray<() => Command> = [
  statsCommand,
  trashCommand,
  doctorCommand,
  completionCommand,
  alertCommand,
  reportCommand,
  backupCommand,
  execCommand,
  restartCommand,
  runCommand,
  daemonCommand,
  ctlCommand,
  tailCommand,
];
