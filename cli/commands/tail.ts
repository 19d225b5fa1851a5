import { Command } from 'commander';
import { TswatchError } from '../../src/errors.js';
import { ALL_EVENTS } from '../../src/masks.js';
import { collect, EVENTS_HELP, eventMask } from '../flag-helpers.js';
import type { OutputFlags } from '../options-output.js';

interface TailFlags extends OutputFlags {
  host?: string[];
  event?: string[];
  since?: string;
  durable?: string;
  count?: string;
  quiet?: boolean;
}

export function tailCommand(): Command {
  return new Command('tail')
    .description('Follow a fleet stream (events sent by tswatch --sink) and print them as the local CLI does')
    .argument('<url>', 'nats://HOST:4222/SUBJECT, redis://HOST:6379/STREAM or mqtt://HOST:1883/TOPIC')
    .option('--host <glob>', 'only events from hosts matching this glob (repeatable)', collect)
    .option('-e, --event <events>', 'only these events (inotifywait names)', collect)
    .option('--since <time>', 'start at this time (ISO, or 15m / 2h / 7d ago); nats:// and redis:// only; default: now')
    .option('--durable <name>', 'a consumer the broker remembers: a restart under this name goes on where it stopped, missing nothing')
    .option('-n, --count <n>', 'exit after printing this many events')
    .option('--format <fmt>', 'print in this format (as tswatch --format, plus %H: the host)')
    .option('--no-newline', 'no newline after each --format record')
    .option('--timefmt <fmt>', 'strftime(3) format for %T (the time the event happened)')
    .option('-c, --csv', 'print CSV: host, then inotifywait --csv fields')
    .option('--json', 'print each record as sent: the --json object plus host and id')
    .option('-q, --quiet', 'no "Following …" message')
    .addHelpText(
      'after',
      `
${EVENTS_HELP}

Credentials and TLS as for --sink: TSWATCH_NATS_TOKEN, TSWATCH_NATS_CREDS, TSWATCH_REDIS_PASSWORD,
TSWATCH_MQTT_USER / TSWATCH_MQTT_PASSWORD (each also *_FILE); TLS with rediss://, mqtts://, nats:// to a TLS
server, a private CA in TSWATCH_TLS_CA (client certificate: TSWATCH_TLS_CERT, TSWATCH_TLS_KEY). A record
seen twice (same id) is printed once.

--durable NAME: a NATS durable consumer, a Redis consumer group (this host is its consumer) or an MQTT
persistent session (client id tswatch-NAME). A record counts as read once the next one is asked for, so
after a stop or a crash the same NAME prints everything not yet read, and what came meanwhile (at least
once: the last record may come again, after a crash the last few). --since applies only when NAME is new. Other names read independently.

Examples:
  tswatch tail nats://broker:4222/fleet.files                      every host, from now
  tswatch tail nats://broker:4222/fleet.files --since 1h --host 'web*' -e delete
  tswatch tail nats://broker:4222/fleet.files --durable audit --json >> audit.jsonl   resumes after a restart
  tswatch tail redis://broker:6379/fleet --json | jq .pathname
  tswatch tail mqtt://broker:1883/fleet/files --format '%H %T %w%f %e' --timefmt '%F %T'`,
    )
    .action(async (url: string, flags: TailFlags) => {
      const [{ fleetEvents, streamUrl }, { parseSince }, { formatterFor }, { default: picomatch }] = await Promise.all([
        import('../../recipes/fleet/index.js'),
        import('../../recipes/fleet/parse-since.js'),
        import('../host-formatter.js'),
        import('picomatch'),
      ]);
      streamUrl(url, 'tail');
      const format = formatterFor(flags); // checks the output flags before connecting
      const mask = flags.event === undefined ? ALL_EVENTS : eventMask(flags.event, true);
      const host = flags.host === undefined ? () => true : picomatch(flags.host);
      const since = flags.since === undefined ? undefined : parseSince(flags.since);
      const count = flags.count === undefined ? Infinity : Number(flags.count);
      if (!(count > 0) || (count !== Infinity && !Number.isInteger(count))) {
        throw new TswatchError(`--count: '${flags.count}' is not a whole number above 0`, {
          code: 'EBADFLAG',
          hint: 'give e.g. --count 10',
        });
      }
      const abort = new AbortController();
      const stop = (): void => abort.abort();
      process.once('SIGINT', stop).once('SIGTERM', stop);
      let printed = 0;
      try {
        const events = fleetEvents(
          { url },
          {
            signal: abort.signal,
            ...(since && { since }),
            ...(flags.durable !== undefined && { durable: flags.durable }),
            onReady: () => void (flags.quiet || process.stderr.write(`Following ${url}.\n`)),
            onSkip: (why) => void process.stderr.write(`tswatch: ${why}\n`),
          },
        );
        for await (const { record, event, time } of events) {
          if ((record.mask & mask) === 0 || !host(record.host)) continue;
          const line = flags.json ? `${JSON.stringify(record)}\n` : format(record.host)(event, () => time);
          process.stdout.write(line);
          if (++printed >= count) break;
        }
      } finally {
        process.off('SIGINT', stop).off('SIGTERM', stop);
      }
      process.exitCode = 0;
    });
}
