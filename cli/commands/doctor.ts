import { Command } from 'commander';
import { EXIT } from '../exit-status.js';
import { packageVersion } from '../package-version.js';

/** `tswatch doctor [paths...]`: can tswatch watch these, with which backend, within the inotify limits. */
export function doctorCommand(): Command {
  return new Command('doctor')
    .description('check the backend, inotify limits and use, and what watching PATHs recursively takes')
    .argument('[paths...]', 'paths you mean to watch (their filesystem and recursive watch budget are checked)')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `
Exit status: 0 all is well, 1 a problem was found (each is printed with the commands that fix it).

Examples:
  tswatch doctor                   backend, limits and current use
  tswatch doctor ~/src /srv        also: filesystem and watches a recursive watch of each takes
  tswatch doctor --json /data      the same, as JSON`,
    )
    .action(async (paths: string[], flags: { json?: boolean }) => {
      const { doctorReport, formatDoctor } = await import('../doctor-report.js');
      const report = doctorReport(paths, packageVersion());
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatDoctor(report));
      process.exitCode = report.ok ? 0 : EXIT.error;
    });
}
