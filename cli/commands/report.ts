import { Command } from 'commander';
import type { HostReportMailOptions } from '../../recipes/alert/index.js';
import { addMailOptions, commonMailOptions, type MailFlags, numberFlag, SMTP_HELP } from './mail-flags.js';

interface ReportFlags extends MailFlags {
  wait?: string;
}

/** As sendmail: the mail is queued, not lost, and a later run will send it. */
export const EXIT_TEMPFAIL = 75;

export function reportCommand(): Command {
  const command = new Command('report')
    .description('Mail a host report: hostname, boot time, CPUs and usage, load, memory, disk usage')
    .argument('[paths...]', 'report the disk usage of the filesystems holding these paths (default /)')
    .option('--wait <seconds>', 'keep retrying this long before leaving the mail in the spool (default 60)');
  return addMailOptions(command)
    .addHelpText(
      'after',
      `${SMTP_HELP}

Exit status: 0 the server accepted the mail, 1 an error, 75 not delivered yet: the mail stays in the
spool and the next \`tswatch report\` or \`tswatch alert\` run sends it.

Examples:
  tswatch report --to ops@example.com                          from cron: 0 7 * * * tswatch report --to ops@example.com -q
  tswatch report / /srv /var/lib/postgresql --to ops@example.com --smtp smtps://reports@mail.example.com
  tswatch report --dry-run                                     print the mail`,
    )
    .action(async (paths: string[], flags: ReportFlags) => {
      const options: HostReportMailOptions = {
        to: flags.to ?? [],
        paths,
        ...(flags.from === undefined ? {} : { from: flags.from }),
        ...(flags.subjectPrefix === undefined ? {} : { subjectPrefix: flags.subjectPrefix }),
        ...commonMailOptions(flags),
      };
      const wait = numberFlag('--wait', flags.wait);
      if (wait !== undefined) options.wait = wait;
      const { sendHostReport } = await import('../../recipes/alert/index.js');
      const { checkAddresses } = await import('../../recipes/alert/alert-options.js');
      checkAddresses('--to', options.to); // named by the flag the user typed
      if (options.from !== undefined) checkAddresses('--from', [options.from]);
      const result = await sendHostReport(options, { onWarning: (message) => process.stderr.write(`tswatch: warning: ${message}\n`) });
      if (result.delivered) {
        if (!flags.quiet && !flags.dryRun) process.stderr.write(`tswatch: host report ${result.messageId} delivered\n`);
        process.exitCode = 0;
        return;
      }
      const why = result.problem
        ? `: ${result.problem.message}\n  ${result.problem.hint}`
        : ` (${result.lastError?.trim() ?? 'no answer in time'})`;
      process.stderr.write(
        `tswatch: host report ${result.messageId} not delivered yet${why}; it stays in the spool and the next tswatch report or alert run sends it\n`,
      );
      process.exitCode = EXIT_TEMPFAIL;
    });
}
