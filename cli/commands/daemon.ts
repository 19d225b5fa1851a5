import { Command } from 'commander';
import { addConfigOptions, CONFIG_EXAMPLE, configAction } from './config-run-options.js';

export function daemonCommand(): Command {
  return addConfigOptions(
    new Command('daemon')
      .summary('run the watches of a config file as a service, with a control socket')
      .description(
        'Run every watch of the config file until stopped. It stays in the foreground (run it under systemd, ' +
          'or with & and --log); signals are queued and handled one at a time by the main loop.',
      ),
  )
    .addHelpText(
      'after',
      `
Signals:
  SIGHUP          reload the config: unchanged watches keep running (no event lost), changed ones
                  restart, removed ones stop; a broken file is reported and the old config stays
  SIGTERM/SIGINT  stop: deliver the events already queued, wait up to --drain-timeout for commands
  SIGUSR1         reopen the --log file (for logrotate)
The control socket (tswatch ctl) is created mode 0600: only this user can connect.
--http serves a status page and JSON API (/api/status, /api/events, POST /api/watches/NAME/pause);
loopback only unless --http-token-file names a token file (mode 600). See docs/web.md.
${CONFIG_EXAMPLE}

Examples:
  tswatch daemon --config ~/.config/tswatch.yaml --pidfile $XDG_RUNTIME_DIR/tswatch.pid --log ~/tswatch.log &
  tswatch daemon --config tswatch.yaml --http 127.0.0.1:8080      then open http://127.0.0.1:8080/
  tswatch daemon --config tswatch.yaml --http 0.0.0.0:8080 --http-token-file ~/.tswatch-token
  tswatch ctl status            tswatch ctl reload            kill -HUP $(cat $XDG_RUNTIME_DIR/tswatch.pid)`,
    )
    .action(configAction(true));
}
