import { Command } from 'commander';
import type { RestartOptions } from '../../daemon/restart-action.js';
import type { WatchFlags } from '../watch-options.js';
import { parseCount, parseDuration } from './automation-flags.js';
import { addOneWatchOptions, runOneWatch, splitCommand, type StreamFlags } from './foreground.js';

interface RestartFlags extends WatchFlags, StreamFlags {
  shell?: boolean;
  quiet?: boolean;
  signal: string;
  killAfter: string;
  debounce: string;
  startRetries: string;
  startSecs: string;
  backoff: string;
}

export function restartCommand(): Command {
  const command = new Command('restart')
    .summary('keep a long-running command up, restarting it when files change')
    .description(
      'Start CMD and restart it on each change under PATHS. The old process (its whole process group) ' +
        'is signalled and waited for before the new one starts, so a server finds its port free. A crash ' +
        'restarts it after a growing delay; after --start-retries quick crashes in a row tswatch gives up ' +
        "and exits with the command's status. SIGINT and SIGTERM are forwarded; the exit status is CMD's.",
    );
  addOneWatchOptions(command)
    .option('--shell', 'run CMD as one /bin/sh script')
    .option('--signal <sig>', 'signal that stops the command for a restart', 'TERM')
    .option('--kill-after <seconds>', 'SIGKILL the process group if it has not exited this long after the signal', '10')
    .option('--debounce <ms>', 'changes closer together than this cause one restart', '100')
    .option('--start-retries <n>', 'quick crashes in a row tolerated before giving up', '3')
    .option('--start-secs <seconds>', 'a run this long counts as a good start (resets the crash count)', '1')
    .option('--backoff <ms>', 'first delay before restarting after a crash (doubles each time, max 30 s)', '1000')
    .addHelpText(
      'after',
      `
Default events: close_write, moved_to, moved_from, delete.

Examples:
  tswatch restart -r src --glob '*.js' -- node server.js
  tswatch restart -r . --exclude '/\\.git/' --signal INT --kill-after 5 -- ./run-dev.sh
  tswatch restart --stream nats://broker:4222/fleet.files --from-host cfg1 /etc/app -- ./app
                                 restart when /etc/app changes on host cfg1 (see exec --help)`,
    )
    .action(async (words: string[], flags: RestartFlags, cmd: Command) => {
      const { parseSignal } = await import('../../daemon/signal-name.js');
      const { paths, argv } = splitCommand(words, cmd);
      const options: RestartOptions = {
        command: argv,
        shell: flags.shell ?? false,
        signal: parseSignal('--signal', flags.signal),
        killAfterMs: parseDuration('--kill-after', flags.killAfter, 's'),
        debounceMs: parseDuration('--debounce', flags.debounce, 'ms'),
        startRetries: parseCount('--start-retries', flags.startRetries),
        startSecs: parseDuration('--start-secs', flags.startSecs, 's') / 1000,
        backoffMs: parseDuration('--backoff', flags.backoff, 'ms'),
      };
      process.exitCode = await runOneWatch('restart', options, paths, flags);
    });
  return command;
}
