import { Command, Option } from 'commander';
import { TswatchError } from '../src/errors.js';
import { SUBCOMMANDS } from './commands.js';
import { collect, EVENTS_HELP, once } from './flag-helpers.js';
import type { ParsedFlags } from './options.js';
import { packageVersion } from './package-version.js';
import { readList } from './read-list.js';
import { addBackendOptions } from './backend-options.js';
import { addFilterOptions } from './watch-options.js';

const count = (_value: string, previous = 0): number => previous + 1;

const HELP_AFTER = `
${EVENTS_HELP}

Output: one line per event, "WATCHED_PATH EVENTS NAME" as inotifywait prints it:
  /tmp/ CREATE foo        /tmp/ CREATE,ISDIR dir        /tmp/ CLOSE_WRITE,CLOSE foo
--format conversions: %w watched path, %f file name, %e events, %Xe events joined by X, %c cookie (hex),
  %T time (--timefmt, strftime), %p the writer's pid and %u its user (--backend fanotify; empty on
  others), %0 NUL, %n newline, %% percent.
Paths starting with @ (arguments or --fromfile lines) are not watched (with -r, nor anything below).
Where tswatch differs from inotifywait 3.22: every --exclude counts (not only the last), --include and
  --exclude combine, new subdirectories' contents are never lost, an overflow is said and recovered.

Fleet (--sink URL, repeatable): nats://HOST:4222/SUBJECT (JetStream), redis://HOST:6379/STREAM,
  mqtt://HOST:1883/TOPIC (QoS 1), http(s)://HOST/PATH (POST JSON batches), file:///PATH.jsonl or .csv.
  Records: the --json object plus host and id. Credentials: TSWATCH_NATS_TOKEN, TSWATCH_NATS_CREDS,
  TSWATCH_REDIS_PASSWORD, TSWATCH_MQTT_USER/PASSWORD, TSWATCH_HTTP_TOKEN (or *_FILE); follow with tswatch tail.
  TLS: rediss://, mqtts://, https://, nats:// to a TLS server; a private CA: TSWATCH_TLS_CA=ca.pem (client
  certificate: TSWATCH_TLS_CERT, TSWATCH_TLS_KEY).

Exit status: 0 an event arrived (or -m ended normally), 1 an error, 2 the timeout passed.

Examples:
  tswatch /tmp --events create,delete          print the first create or delete in /tmp, then exit
  tswatch -m -r ~/src -e close_write,moved_to  keep printing files written or moved in under ~/src
  tswatch -mr --format '%T %w%f %e' --timefmt '%F %T' ~/src     timestamped lines
  tswatch -mr -e close_write --format '%w%f%0' --no-newline . | xargs -0 -n1 echo changed:
  tswatch -mr --json --ignore node_modules --glob '*.ts' .      JSON lines for TypeScript files
  tswatch -r --budget ~                         how many inotify watches watching ~ would take
  tswatch --handler ./on-change.js -r ~/src     run a ProcessEvent module on every event
  tswatch -mr -qq --sink nats://broker:4222/fleet.files /etc   send /etc's events to a JetStream stream
  tswatch stats -t 60 -r ~/src                  count events for a minute (inotifywatch)`;

/**
 * `tswatch --config FILE`: the config's watches, as `tswatch run --config FILE`. Paths and other flags
 * would be ignored, so they are an error; the fleet flags name the config keys that say the same.
 */
async function configRun(paths: string[], config: string, program: Command): Promise<void> {
  if (paths.length > 0) {
    throw new TswatchError(`--config: the watches come from '${config}', so paths cannot be given too (got '${paths[0]}')`, {
      code: 'EBADFLAG',
      hint: "drop the paths, or add them to a watch in the config file ('paths:')",
    });
  }
  const given = program.options.find((o) => o.attributeName() !== 'config' && program.getOptionValueSource(o.attributeName()) === 'cli');
  if (given !== undefined) {
    const flag = given.long ?? given.flags;
    const key = { '--sink': 'sinks', '--host': 'host', '--outbox': 'outbox.dir', '--outbox-max': 'outbox.maxBytes' }[flag];
    throw new TswatchError(`--config: everything comes from '${config}', so ${flag} cannot be given too`, {
      code: 'EBADFLAG',
      hint: key
        ? `set '${key}:' in the config file instead (tswatch run --help shows an example)`
        : `drop ${flag}, or set it on a watch in the config file (tswatch run --help lists the keys)`,
    });
  }
  const { configAction } = await import('./commands/config-run-options.js');
  await configAction(false)({ config });
}

/**
 * The subcommands these words can reach: commander dispatches only on a word equal to a subcommand's
 * name, so a watch without such a word needs none of their declarations, and `tswatch backup …` only
 * backup's (each one loads modules of its own). A listing (--help, -h inside a group of short flags,
 * `help`) needs them all, and so does `completion`, which writes the script from the live command tree.
 */
function reachableSubcommands(words: readonly string[]): typeof SUBCOMMANDS {
  if (words.some((w) => w === '--help' || w === 'help' || w === 'completion' || /^-[^-]*h/.test(w))) return SUBCOMMANDS;
  return SUBCOMMANDS.filter((s) => words.includes(s.name));
}

/**
 * Every option of `tswatch` and its subcommands, declared once: --help, the parser, completions and
 * the man page read this tree. Given the command line (`argv`), the subcommands are left out when it
 * cannot reach them.
 */
export async function buildProgram(argv?: readonly string[]): Promise<Command> {
  const program = new Command('tswatch')
    .description('Watch files and directories with Linux inotify and print their events, like inotifywait.')
    .argument('[paths...]', 'files or directories to watch; @PATH excludes PATH')
    .option('-e, --event <events>', 'listen for these events only', collect)
    .addOption(new Option('--events <events>', 'same as --event').argParser(collect))
    .option('-m, --monitor', 'keep listening; without it, exit after the first event')
    .option('-d, --daemon', 'like --monitor, in the background, printing to --outfile; implies --syslog')
    .option('-o, --outfile <file>', 'append events to FILE instead of printing them', once('-o/--outfile'))
    .option('-s, --syslog', 'send messages and errors to syslog instead of stderr')
    .option('-P, --no-dereference', 'do not follow symbolic links')
    .option('-r, --recursive', 'watch directories recursively, including those created later')
    .option('--fromfile <file>', "read paths to watch (or @paths to exclude) from FILE, one per line; '-': stdin", once('--fromfile'))
    .option('-q, --quiet', 'no "Setting up watches" messages; twice (-qq): no events either', count, 0);
  addBackendOptions(addFilterOptions(program))
    .option('--format <fmt>', 'print each event in this printf-like format (conversions below)')
    .option('--no-newline', 'no newline after each --format record')
    .option('--timefmt <fmt>', 'strftime(3) format for %T in --format')
    .option('-c, --csv', 'print events as CSV (inotifywait quoting)')
    .option('--json', 'print one JSON object per event: time, pyinotify fields, cookie, src on moves')
    .option('--repr', "print pyinotify's <Event …> form")
    .option('-t, --timeout <seconds>', 'exit with status 2 if no event arrives within this time (0: never)')
    .option('--budget', 'print how many inotify watches the paths need, and watch nothing')
    .option('--handler <module>', 'run this module (.js, or .ts via tsx) on every event instead of printing; implies -m')
    .option('--settle <ms>', "report a file's modify once it stopped changing: on close_write, or after MS ms unchanged")
    .option('--state <file>', "keep the trees' state in FILE: changes made while tswatch was not running are reported first")
    .option('--config <file>', 'run the watches of this YAML config file instead (as tswatch run --config FILE)')
    .option('--sink <url>', 'also send each event to a broker, webhook or file, through an on-disk outbox (repeatable; see Fleet)', collect)
    .option('--host <name>', 'the name events from this machine carry with --sink (default: the hostname)')
    .option('--outbox <dir>', 'where --sink keeps events until acknowledged (default ~/.local/state/tswatch/outbox)')
    .option(
      '--outbox-max <size>',
      "the most each sink's outbox holds (default 64M); when full the oldest events are dropped, counted and said",
    )
    .version(packageVersion(), '-V, --version')
    // Options after a subcommand's name are the subcommand's (`tswatch stats -t 5`), not tswatch's.
    .enablePositionalOptions()
    .addHelpText('after', HELP_AFTER)
    .action(async (paths: string[], flags: ParsedFlags & { config?: string }) => {
      if (flags.config !== undefined) return configRun(paths, flags.config, program);
      // Loaded here, not at start: `--version`, `--help` and every subcommand skip the watching code.
      const [{ run }, { toRunOptions }] = await Promise.all([import('./run.js'), import('./options.js')]);
      process.exitCode = await run(await toRunOptions([...paths, ...readList(flags.fromfile)], flags), {
        stdout: process.stdout,
        stderr: process.stderr,
      });
    });
  const subcommands = argv === undefined ? SUBCOMMANDS : reachableSubcommands(argv.slice(2));
  for (const command of await Promise.all(subcommands.map((s) => s.load()))) program.addCommand(command);
  return program;
}
