import { Command } from 'commander';
import type { AlertOptions, AlertRule, DeliveryProblem } from '../../recipes/alert/index.js';
import { TswatchError } from '../../src/errors.js';
import { addMailOptions, collect, commonMailOptions, type MailFlags, numberFlag, SMTP_HELP } from './mail-flags.js';

interface AlertFlags extends MailFlags {
  event?: string[];
  recursive?: boolean;
  glob?: string[];
  ignore?: string[];
  name?: string;
  checksum?: boolean;
  perms?: boolean;
  sizeAbove?: string;
  match?: string;
  ignoreCase?: boolean;
  window?: string;
  maxPerHour?: string;
  remindAfter?: string;
  hostReport?: boolean;
  stream?: string;
  fromHost?: string[];
  durable?: string | false;
  since?: string;
}

/** Flags that need the files (checks), or that only mean something with --stream: named, with the fix. */
function checkStreamFlags(flags: AlertFlags): void {
  const given = (pairs: Array<[string, unknown]>): string | undefined => pairs.find(([, v]) => v !== undefined && v !== false)?.[0];
  if (flags.stream === undefined) {
    const flag = given([
      ['--from-host', flags.fromHost],
      ['--durable', flags.durable],
      ['--since', flags.since],
    ]);
    if (flag)
      throw new TswatchError(`${flag} needs --stream`, {
        code: 'EBADFLAG',
        hint: `${flag} is about reading a fleet stream: add --stream nats://BROKER:4222/SUBJECT, or leave ${flag} out`,
      });
    return;
  }
  const check = given([
    ['--checksum', flags.checksum],
    ['--perms', flags.perms],
    ['--size-above', flags.sizeAbove],
    ['--match', flags.match],
  ]);
  if (check) {
    throw new TswatchError(`${check} cannot be used with --stream: checks read the files, which are on the watched hosts`, {
      code: 'EBADFLAG',
      hint: `run tswatch alert ${check} on the watched host itself, or alert on the stream's events (-e close_write,attrib …)`,
    });
  }
}

/** Flags → the AlertOptions a config file would hold (one rule). */
export async function alertOptions(paths: string[], flags: AlertFlags): Promise<AlertOptions> {
  const [{ parseSince }, { checkAddresses, parseRegex, parseSize }] = await Promise.all([
    import('../../recipes/fleet/parse-since.js'),
    import('../../recipes/alert/alert-options.js'),
  ]);
  checkStreamFlags(flags);
  if (paths.length === 0 && flags.stream === undefined) {
    throw new TswatchError('no paths to watch', {
      code: 'EBADFLAG',
      hint: 'give the files or directories to watch: tswatch alert /etc --to ops@example.com',
    });
  }
  // A stream with no paths: everything the agents send (the rule named after the subject / stream / topic).
  const rule: AlertRule = paths.length === 0 ? { name: streamName(flags.stream!), paths: ['/'], recursive: true } : { paths };
  if (flags.name !== undefined) rule.name = flags.name;
  if (flags.event !== undefined) rule.events = flags.event;
  if (flags.glob !== undefined) rule.glob = flags.glob;
  if (flags.ignore !== undefined) rule.ignore = flags.ignore;
  if (flags.recursive) rule.recursive = true;
  if (flags.fromHost !== undefined) rule.hosts = flags.fromHost;
  checkAddresses('--to', flags.to ?? []);
  if (flags.from !== undefined) checkAddresses('--from', [flags.from]);
  const checks: NonNullable<AlertRule['checks']> = {};
  if (flags.checksum) checks.checksum = true;
  if (flags.perms) checks.permissions = true;
  // Checked here too, so a mistake is named by the flag the user typed, not the option it becomes.
  if (flags.sizeAbove !== undefined) checks.sizeAbove = parseSize('--size-above', flags.sizeAbove);
  if (flags.match !== undefined) checks.match = parseRegex('--match', flags.match, flags.ignoreCase ? 'i' : '').source;
  if (flags.ignoreCase) checks.matchFlags = 'i';
  if (Object.keys(checks).length > 0) rule.checks = checks;
  const options: AlertOptions = {
    rules: [rule],
    mail: {
      to: flags.to ?? [],
      ...(flags.from === undefined ? {} : { from: flags.from }),
      ...(flags.subjectPrefix === undefined ? {} : { subjectPrefix: flags.subjectPrefix }),
    },
    ...commonMailOptions(flags),
    ...(flags.hostReport !== undefined && { hostReport: flags.hostReport }),
    ...(flags.stream !== undefined && { stream: flags.stream }),
    ...(flags.durable !== undefined && { durable: flags.durable }),
    ...(flags.since !== undefined && { since: parseSince(flags.since) }),
  };
  const window = numberFlag('--window', flags.window);
  if (window !== undefined) options.window = window;
  const maxPerHour = numberFlag('--max-per-hour', flags.maxPerHour, { integer: true, min: 1 });
  if (maxPerHour !== undefined) options.maxPerHour = maxPerHour;
  const remindAfter = numberFlag('--remind-after', flags.remindAfter);
  if (remindAfter !== undefined) options.remindAfter = remindAfter;
  return options;
}

function streamName(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.slice(1)) || 'fleet';
  } catch {
    return 'fleet'; // a bad URL is named when the stream is opened
  }
}

/** Resolves on the first SIGINT or SIGTERM. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

export function alertCommand(): Command {
  const command = new Command('alert')
    .description(
      "Mail when watched files change (here, or on a fleet's hosts with --stream): events, checksum / permission / size checks, log lines matching a regex",
    )
    .argument(
      '[paths...]',
      'files or directories to watch (a file is followed across replace and rotation); with --stream, paths on the watched hosts (default: all)',
    )
    .option(
      '-e, --event <events>',
      'events to mail about (inotifywait names; default create,delete,close_write,moved_from,moved_to,attrib,delete_self,move_self; with --checksum/--perms: create,delete,moved_from,moved_to,delete_self,move_self; none with only --size-above/--match)',
      collect,
    )
    .option('-r, --recursive', 'watch directories below too, including new ones')
    .option(
      '--glob <pattern>',
      'only paths matching this glob (picomatch: absolute, relative to the watched directory, or without a slash the name; repeatable)',
      collect,
    )
    .option('--ignore <pattern>', 'never paths matching this glob (repeatable)', collect)
    .option('--name <name>', 'rule name in subjects (default: the first path)')
    .option('--checksum', "mail when a file's content changes (sha256)")
    .option('--perms', "mail when a file's mode, owner or group changes")
    .option('--size-above <size>', 'mail when a file grows above SIZE (500000, 512k, 10M), and when it is back below')
    .option('--match <regex>', 'follow the files as logs (across rotation and truncation); mail new lines matching REGEX')
    .option('-i, --ignore-case', '--match ignores case')
    .option('--window <seconds>', 'gather events this long into one mail (default 60)')
    .option('--max-per-hour <n>', 'at most N mails an hour; the rest is folded into the next one (default 10)')
    .option('--remind-after <seconds>', 'remind this often while a condition lasts (default 3600, 0: never)')
    .option('--host-report', 'add the host report (load, memory, disks of this machine) to the mails (default, but with --stream)')
    .option('--no-host-report', 'leave the host report out of the mails')
    .option(
      '--stream <url>',
      "alert on a fleet stream's events (what agents send with --sink) instead of watching here: nats://HOST:4222/SUBJECT, redis://HOST:6379/STREAM or mqtt://HOST:1883/TOPIC",
    )
    .option('--from-host <glob>', 'with --stream: only events from hosts matching this glob (repeatable)', collect)
    .option(
      '--durable <name>',
      'with --stream: the consumer name the broker remembers (default tswatch-alert-HOSTNAME-HASH; none with --dry-run): restarted, the alert gets what was published meanwhile',
    )
    .option('--no-durable', 'with --stream: no durable consumer (from now, or --since; nothing remembered)')
    .option(
      '--since <time>',
      'with --stream: start at this time (ISO, or 15m / 2h / 7d ago; nats:// and redis://); a durable consumer only the first time',
    );
  return addMailOptions(command)
    .addHelpText(
      'after',
      `${SMTP_HELP}

Examples:
  tswatch alert /etc --to ops@example.com --smtp smtp://mailer@mail.example.com:587 --smtp-security starttls
  tswatch alert -r /srv/www --checksum --perms --glob '*.php' --ignore 'cache/**' --to ops@example.com --window 300
  tswatch alert /var/log/app.log --match 'ERROR|FATAL' --to dev@example.com
  tswatch alert /var/lib/db/huge.log --size-above 1G --remind-after 7200 --to ops@example.com
  tswatch alert /etc/passwd --perms --dry-run          print the mails instead of sending them

One alerting host for a fleet: agents run \`tswatch -m -r /etc --sink nats://broker:4222/fleet.files\`, and
  tswatch alert --stream nats://broker:4222/fleet.files --to ops@example.com
  tswatch alert --stream nats://broker:4222/fleet.files -r /etc --from-host 'web*' --ignore '*.swp' --to ops@example.com
mails digests naming each file as HOST:/path. Paths and globs are matched by name (paths on the agents;
default: everything they send); checks need the files, so they run on the watched host itself.
Broker credentials and TLS as for --sink (TSWATCH_NATS_TOKEN, TSWATCH_REDIS_PASSWORD, TSWATCH_TLS_CA …).`,
    )
    .action(async (paths: string[], flags: AlertFlags) => {
      const options = await alertOptions(paths, flags);
      if (flags.stream !== undefined) (await import('../../recipes/fleet/index.js')).streamUrl(flags.stream, '--stream'); // as exec --stream
      const { AlertEmail, describeSmtp, smtpTransportConfig } = await import('../../recipes/alert/index.js');
      const { sinkName } = await import('../../recipes/fleet/credentials.js');
      const alert = new AlertEmail(options);
      const say = (text: string): void => void (flags.quiet || process.stderr.write(`tswatch: ${text}\n`));
      const describe = (err: unknown): string => (err instanceof TswatchError ? err.describe() : (err as Error).message);
      alert.on('error', (err: unknown) => process.stderr.write(`tswatch: ${describe(err)}\n`));
      alert.on('warning', (message: string) => process.stderr.write(`tswatch: warning: ${message}\n`));
      alert.on('window', (rule: string, ms: number) => say(`${rule}: gathering events for ${ms / 1000} s, then mailing`));
      alert.on('recovered', (findings: number, processes: number) =>
        say(
          `${findings} findings that ${processes === 1 ? 'an alert' : `${processes} alerts`} stopped by a crash or kill had not mailed go out with the next digest`,
        ),
      );
      alert.on('sent', (entry, { rejected }: { rejected: string[] }) => {
        say(`${entry.mail ? `mail ${entry.mail.messageId}` : `webhook post ${entry.id}`} delivered`);
        if (rejected.length)
          process.stderr.write(`tswatch: the server refused these recipients of ${entry.mail.messageId}: ${rejected.join(', ')}\n`);
      });
      // trim: OpenSSL's messages end in a newline.
      alert.on('retry', (entry, err: Error) =>
        say(`not delivered yet (${err.message.trim()}); retry ${entry.attempts} at ${new Date(entry.nextAttempt).toISOString()}`),
      );
      // Not quiet: a setting to fix. Said once; the retry lines above go on as progress.
      alert.on('problem', ({ message, hint }: DeliveryProblem) =>
        process.stderr.write(
          `tswatch: mail not delivered: ${message}\n  ${hint}; the mails stay in the spool and tswatch keeps retrying\n`,
        ),
      );
      alert.on('failed', (entry, err: Error) =>
        process.stderr.write(`tswatch: refused for good (${err.message}); kept in ${alert.options.spoolDir}/failed/${entry.id}.json\n`),
      );
      await alert.start();
      // Caught before the ready line: a script that signals as soon as it reads it must not kill us.
      const signalled = untilSignal();
      const where = options.dryRun
        ? 'printed (dry run)'
        : `to ${[...new Set(alert.options.rules.flatMap((r) => r.to))].join(', ')} via ${describeSmtp(smtpTransportConfig(options.smtp))}, spool ${alert.options.spoolDir}`;
      const stream = alert.options.stream;
      if (stream === undefined) {
        say(`watching ${paths.join(', ')}; mails ${where}`);
        say('Watches established.');
      } else {
        const consumer = stream.durable === undefined ? 'no durable consumer' : `durable consumer ${stream.durable}`;
        say(`mails ${where}`);
        say(`Following ${sinkName(stream.config.url)} (${consumer}).`);
      }
      await signalled;
      await alert.stop();
      process.exitCode = 0;
    });
}
