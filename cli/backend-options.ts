import { type Command, Option } from 'commander';
import { BACKEND_NAMES } from '../src/backends/backend-names.js';
import { TswatchError } from '../src/errors.js';

/**
 * --backend and --poll-interval. Every WatchManager the command makes (its own, a config's watches, a
 * recipe's) takes its backend from TSWATCH_BACKEND / TSWATCH_POLL_INTERVAL, so the flags set those for
 * this process: one choice, wherever the watching happens.
 */
export function addBackendOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--backend <name>',
        'inotify (native), fanotify (root: filesystem marks, names the writer), parcel (@parcel/watcher), poll (chokidar polling), auto (polling on network and FUSE mounts)',
      ).choices(BACKEND_NAMES),
    )
    .option('--poll-interval <ms>', 'milliseconds between two polls of a path (poll, and auto on network mounts)')
    .hook('preAction', (self) => {
      const { backend, pollInterval } = self.opts<{ backend?: string; pollInterval?: string }>();
      if (pollInterval !== undefined) {
        const ms = Number(pollInterval);
        if (!(Number.isFinite(ms) && ms > 0)) {
          throw new TswatchError(`--poll-interval: '${pollInterval}' is not a positive number of milliseconds`, {
            code: 'EBADFLAG',
            hint: 'give the milliseconds between polls, e.g. --poll-interval 500',
          });
        }
        process.env.TSWATCH_POLL_INTERVAL = String(ms);
      }
      if (backend !== undefined) process.env.TSWATCH_BACKEND = backend;
    });
}
