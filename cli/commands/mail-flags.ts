import { type Command, Option } from 'commander';
import { TswatchError } from '../../src/errors.js';
import type { SmtpOptions } from '../../recipes/alert/index.js';

/** Flags `tswatch alert` and `tswatch report` share: recipients, SMTP, spool, templates, webhook. */
export interface MailFlags {
  to?: string[];
  from?: string;
  subjectPrefix?: string;
  smtp?: string;
  smtpHost?: string;
  smtpPort?: string;
  smtpSecurity?: SmtpOptions['security'];
  smtpUser?: string;
  smtpPassFile?: string;
  smtpCa?: string;
  smtpInsecure?: boolean;
  spool?: string;
  retryMin?: string;
  retryMax?: string;
  templates?: string;
  webhook?: string;
  dryRun?: boolean;
  quiet?: boolean;
}

export const collect = (value: string, previous: string[] = []): string[] => [
  ...previous,
  ...value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean),
];

export function addMailOptions(command: Command): Command {
  return command
    .option('--to <addresses>', 'recipients (comma-separated, repeatable)', collect)
    .option('--from <address>', 'sender (default tswatch@HOSTNAME)')
    .option('--subject-prefix <text>', 'subject prefix (default [tswatch])')
    .option('--smtp <url>', 'SMTP server: smtp://user@host:587 or smtps://host:465 (default $TSWATCH_SMTP_URL, else smtp://localhost:25)')
    .option('--smtp-host <host>', 'SMTP host (overrides the URL)')
    .option('--smtp-port <port>', 'SMTP port (overrides the URL)')
    .addOption(
      new Option('--smtp-security <mode>', 'tls: TLS from the start; starttls: required upgrade; none; auto: STARTTLS if offered').choices([
        'tls',
        'starttls',
        'none',
        'auto',
      ]),
    )
    .option('--smtp-user <user>', 'SMTP login (default $TSWATCH_SMTP_USER); the password comes from $TSWATCH_SMTP_PASS or a file')
    .option('--smtp-pass-file <file>', 'file whose first line is the SMTP password (default $TSWATCH_SMTP_PASS_FILE)')
    .option('--smtp-ca <pem>', 'trust this CA or self-signed certificate for TLS')
    .option('--smtp-insecure', 'accept any TLS certificate (testing only)')
    .option('--spool <dir>', 'where mails wait until accepted (default $TSWATCH_SPOOL or ~/.local/state/tswatch/spool)')
    .option('--retry-min <seconds>', 'first retry delay (default 2), doubling up to --retry-max')
    .option('--retry-max <seconds>', 'longest retry delay (default 600)')
    .option(
      '--templates <dir>',
      'directory with subject.eta, text.eta, html.eta, host-text.eta, host-html.eta overriding the built-in ones',
    )
    .option('--webhook <url>', "also POST each mail's content as JSON to this URL")
    .option('--dry-run', 'print the rendered mails instead of sending them')
    .option('-q, --quiet', 'no progress messages on stderr (errors still)');
}

/** A number flag, checked: the error names the flag, the value and what is allowed. */
export function numberFlag(flag: string, value: string | undefined, options: { integer?: boolean; min?: number } = {}): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  const min = options.min ?? 0;
  if (value.trim() === '' || !Number.isFinite(n) || n < min || (options.integer && !Number.isInteger(n))) {
    throw new TswatchError(`${flag}: '${value}' is not valid`, {
      code: 'EBADFLAG',
      hint: `give ${flag} ${options.integer ? 'a whole number' : 'a number'}, ${min} or more`,
    });
  }
  return n;
}

export function smtpOptions(flags: MailFlags): SmtpOptions {
  const smtp: SmtpOptions = {};
  if (flags.smtp !== undefined) smtp.url = flags.smtp;
  if (flags.smtpHost !== undefined) smtp.host = flags.smtpHost;
  const port = numberFlag('--smtp-port', flags.smtpPort, { integer: true, min: 1 });
  if (port !== undefined) smtp.port = port;
  if (flags.smtpSecurity !== undefined) smtp.security = flags.smtpSecurity;
  if (flags.smtpUser !== undefined) smtp.user = flags.smtpUser;
  if (flags.smtpPassFile !== undefined) smtp.passFile = flags.smtpPassFile;
  if (flags.smtpCa !== undefined) smtp.caFile = flags.smtpCa;
  if (flags.smtpInsecure) smtp.insecure = true;
  return smtp;
}

/** The options both recipes take under the same names. */
export function commonMailOptions(flags: MailFlags) {
  return {
    smtp: smtpOptions(flags),
    ...(flags.spool === undefined ? {} : { spoolDir: flags.spool }),
    ...(flags.templates === undefined ? {} : { templateDir: flags.templates }),
    ...(flags.webhook === undefined ? {} : { webhook: flags.webhook }),
    ...(flags.retryMin === undefined ? {} : { retryMin: numberFlag('--retry-min', flags.retryMin)! }),
    ...(flags.retryMax === undefined ? {} : { retryMax: numberFlag('--retry-max', flags.retryMax)! }),
    dryRun: flags.dryRun ?? false,
  };
}

export const SMTP_HELP = `
Mail delivery: every mail is written to the spool before it is sent and removed once the server has
accepted it; failures are retried with backoff, also by the next run. The password is never a flag:
set TSWATCH_SMTP_PASS, or put it in a file (--smtp-pass-file, TSWATCH_SMTP_PASS_FILE).`;
