import type { Command } from 'commander';

/**
 * The subcommands of `tswatch` (`tswatch stats …`, `tswatch trash …`), each built by a function in
 * `cli/commands/<name>.ts` that declares its options and its action. Its action sets
 * `process.exitCode` or throws a TswatchError; `main` prints the error and sets the status. Each is
 * imported only when the command line can reach it (see buildProgram), so a plain watch reads none.
 */
export const SUBCOMMANDS: ReadonlyArray<{ name: string; load: () => Promise<Command> }> = [
  { name: 'stats', load: async () => (await import('./commands/stats.js')).statsCommand() },
  { name: 'trash', load: async () => (await import('./commands/trash.js')).trashCommand() },
  { name: 'doctor', load: async () => (await import('./commands/doctor.js')).doctorCommand() },
  { name: 'completion', load: async () => (await import('./commands/completion.js')).completionCommand() },
  { name: 'alert', load: async () => (await import('./commands/alert.js')).alertCommand() },
  { name: 'report', load: async () => (await import('./commands/report.js')).reportCommand() },
  { name: 'backup', load: async () => (await import('./commands/backup.js')).backupCommand() },
  { name: 'exec', load: async () => (await import('./commands/exec.js')).execCommand() },
  { name: 'restart', load: async () => (await import('./commands/restart.js')).restartCommand() },
  { name: 'run', load: async () => (await import('./commands/run.js')).runCommand() },
  { name: 'daemon', load: async () => (await import('./commands/daemon.js')).daemonCommand() },
  { name: 'ctl', load: async () => (await import('./commands/ctl.js')).ctlCommand() },
  { name: 'tail', load: async () => (await import('./commands/tail.js')).tailCommand() },
];
