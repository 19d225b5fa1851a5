import { Command } from 'commander';
import { BUSY_POLICIES } from '../../daemon/busy-policy.js';
import type { ExecOptions } from '../../daemon/exec-action.js';
import type { WatchFlags } from '../watch-options.js';
import { addOneWatchOptions, runOneWatch, splitCommand, type StreamFlags } from './foreground.js';
import { parseDuration } from './automation-flags.js';

interface ExecFlags extends WatchFlags, StreamFlags {
  shell?: boolean;
  quiet?: boolean;
  batch?: boolean;
  debounce: string;
  onBusy: string;
  signal: string;
  killAfter: string;
  ignoreOwn?: boolean;
}

export function execCommand(): Command {
  const command = new Command('exec')
    .summary('run a command for each event (or each batch of events), safely')
    .description(
      'Run CMD for each event on PATHS. Placeholders are filled inside single arguments, never through a ' +
        'shell, so no file name can run anything.',
    );
  addOneWatchOptions(command)
    .option('--shell', 'run CMD as one /bin/sh script; values come as "$1" ("$@" in a batch) and TSWATCH_* variables, never as text')
    .option('--batch', 'run once per quiet period with every path of the batch: {paths} and NUL-separated on stdin')
    .option('--debounce <ms>', 'quiet period that ends a batch (a busy tree still gets a run every 10 periods, 1 s at least)', '100')
    .option('--on-busy <policy>', `when an event comes while CMD runs: ${BUSY_POLICIES.join('|')}`, 'queue')
    .option('--signal <sig>', 'signal sent by --on-busy restart|signal and on stop', 'TERM')
    .option('--kill-after <seconds>', 'SIGKILL a command still running this long after the signal', '10')
    .option('--ignore-own', 'ignore events that happen while CMD runs (its own output files)')
    .addHelpText(
      'after',
      `
Placeholders (per event): {path} {dir} {name} {event} {src} {dest} {cookie} {isdir} {host}
  batch mode: {paths} (one argument per path; also NUL-separated on stdin)
  environment: TSWATCH_PATH TSWATCH_DIR TSWATCH_NAME TSWATCH_EVENT TSWATCH_SRC TSWATCH_DEST
               TSWATCH_COOKIE TSWATCH_ISDIR TSWATCH_HOST (per event), TSWATCH_COUNT (batch)
  {host}: the agent's --host for an event from --stream, this machine's hostname otherwise.
A placeholder inside a shell's -c script is refused (the shell would run the name): pass it after the
script, as an argument, and quote it there: sh -c 'mv -- "$1" done/' sh {path}
A name that is not UTF-8 cannot be an argument (Node passes UTF-8): its event is not run, said once per
directory and counted; --batch's NUL-separated stdin carries the exact bytes (-- xargs -0 CMD).
Default events: close_write, moved_to, moved_from, delete (changes, not reads).
A failing command is reported with its exit status on stderr; watching goes on.

--stream follows a fleet stream (what agents send with tswatch --sink) instead of watching here: -e, the
filters and the paths (prefixes of the agents' absolute paths; --glob relative to them) select its events.

Examples:
  tswatch exec -r src -- gzip -k {path}                compress each file written under src/
  tswatch exec -r src --batch -- make                  one make per burst of changes
  tswatch exec -r . --glob '*.md' --batch -- pandoc-all {paths}
  tswatch exec in --shell -- 'mv "$1" done/'           shell script, file name as "$1"
  tswatch exec --stream nats://broker:4222/fleet.files --from-host 'web*' --durable deployer \\
    /srv/www -- ./sync-from.sh {host} {path}           act on the web hosts' changes under /srv/www`,
    )
    .action(async (words: string[], flags: ExecFlags, cmd: Command) => {
      const { paths, argv } = splitCommand(words, cmd);
      const [{ parseBusyPolicy }, { parseSignal }] = await Promise.all([
        import('../../daemon/command-runner.js'),
        import('../../daemon/signal-name.js'),
      ]);
      const options: ExecOptions = {
        command: argv,
        shell: flags.shell ?? false,
        batch: flags.batch ?? false,
        debounceMs: parseDuration('--debounce', flags.debounce, 'ms'),
        onBusy: parseBusyPolicy(flags.onBusy),
        signal: parseSignal('--signal', flags.signal),
        killAfterMs: parseDuration('--kill-after', flags.killAfter, 's'),
        ignoreOwn: flags.ignoreOwn ?? false,
      };
      process.exitCode = await runOneWatch('exec', options, paths, flags);
    });
  return command;
}
