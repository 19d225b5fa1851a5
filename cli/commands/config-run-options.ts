import { type Command, Option } from 'commander';
import { parseDuration } from './automation-flags.js';

interface ConfigFlags {
  config: string;
  pidfile?: string;
  log?: string;
  socket?: string;
  http?: string;
  httpTokenFile?: string;
  drainTimeout?: string;
}

export const CONFIG_EXAMPLE = `
Config file (YAML; paths relative to the file; every key is checked, errors give FILE:LINE:COL):
  pidfile: /run/user/1000/tswatch.pid       # optional, also --pidfile
  log: tswatch.log                          # optional, also --log
  http: 127.0.0.1:8080                      # optional web page and API, also --http (httpTokenFile too)
  drainTimeout: 10                          # seconds to finish triggered work on stop/reload
  onDrainTimeout: keep                      # events still queued then: keep (run next) or drop (counted)
  sinks: [nats://broker:4222/fleet.files]   # optional: every watch's events also go here (as --sink);
  host: web-01                              # also { url, tls, credsFile, … }, host (default: hostname),
  outbox: { dir: outbox, maxBytes: 100M }   # outbox (as --outbox, --outbox-max)
  watches:
    - name: build
      paths: [src]
      recursive: true
      events: close_write,moved_to          # default: close_write,moved_to,moved_from,delete
      exclude: ['/\\.git/']                  # POSIX ERE on the path; also excludei, include, includei
      ignore: ['node_modules']              # globs relative to the watched path; also glob, dirs, onlyDirs
      exec: [make, -C, ., '{path}']         # argv, placeholders as in tswatch exec
      batch: false                          # also debounce (ms), onBusy, ignoreOwn, signal, killAfter (s), cwd
    - name: server
      paths: [src, config.json]
      restart: [node, server.js]            # also signal, killAfter, startRetries, startSecs, backoff (ms)
    - name: deploy
      stream: nats://broker:4222/fleet.files  # a fleet stream instead of local paths (or { url, credsFile, tls })
      hosts: ['web*']                       # origin hosts (globs); also durable: NAME, since: 1h
      paths: [/srv/www]                     # optional: prefixes of the agents' paths; filters as above
      exec: [./pull.sh, '{host}', '{path}']
    - name: hook
      paths: [incoming]
      handler: ./on-incoming.js             # module exporting a ProcessEvent subclass or process_IN_* functions
    - name: mirror
      recipe: backup                        # a recipe by name, with its options (backup, alert:
      options: { src: docs, dest: /srv/backup }  # they watch what their options name: no paths)
    - name: etc
      paths: [/etc]                         # no action: only published to the sinks
      recursive: true                       # (publish: false on a watch: not published)
  A string instead of a list (exec: 'make && ./test') is a /bin/sh script: values as "$1" and TSWATCH_*.`;

/** --config and the daemon settings, shared by `tswatch daemon` and `tswatch run`. */
export function addConfigOptions(command: Command): Command {
  return command
    .requiredOption('--config <file>', 'YAML config file with the watches')
    .option('--pidfile <file>', 'write the pid here (a stale one is replaced; a live one is an error)')
    .option('--log <file>', 'log here instead of stderr, commands output included (SIGUSR1 reopens it)')
    .option('--socket <path>', 'control socket for tswatch ctl')
    .option('--http <[host:]port>', 'serve a status page and JSON API here (default host 127.0.0.1)')
    .option('--http-token-file <file>', 'require the token in this file (mode 600) for the page and API; needed off loopback')
    .addOption(new Option('--drain-timeout <seconds>', 'on stop or reload, wait this long for triggered work before signalling commands'));
}

export function configAction(control: boolean) {
  return async (flags: ConfigFlags): Promise<void> => {
    const { runDaemon } = await import('../../daemon/daemon.js');
    process.exitCode = await runDaemon({
      config: flags.config,
      pidfile: flags.pidfile,
      log: flags.log,
      socket: flags.socket,
      http: flags.http,
      httpTokenFile: flags.httpTokenFile,
      drainTimeoutMs: flags.drainTimeout === undefined ? undefined : parseDuration('--drain-timeout', flags.drainTimeout, 's'),
      control,
      stderr: process.stderr,
    });
  };
}
