import type { Server } from 'node:net';
import { ReloadableFleet } from '../recipes/fleet/reloadable-fleet.js';
import type { Log } from './action.js';
import { type DaemonSettings, type LoadedConfig, loadConfig } from './config-loader.js';
import { defaultSocketPath, startControlServer } from './control-socket.js';
import { daemonLoop } from './daemon-loop.js';
import { DaemonWeb } from './http/daemon-web.js';
import { httpSettings } from './http/server.js';
import { LogFile } from './log-file.js';
import { acquirePidfile } from './pidfile.js';
import { QueuedJournal } from './queued-journal.js';

/** The settings are command-line values; each overrides the config file's. */
export interface DaemonOptions extends DaemonSettings {
  config: string;
  /** Listen on the control socket (daemon: yes; `tswatch run`: only when --socket is given). */
  control: boolean;
  /** Where messages go without --log. */
  stderr: NodeJS.WritableStream;
}

/**
 * `tswatch daemon` / `tswatch run`: load the config, take the pidfile, open the log and the control
 * socket, run the main loop; on the way out release all of them. Resolves with the exit status.
 */
export async function runDaemon(options: DaemonOptions): Promise<number> {
  const first = loadConfig(options.config);
  const pidfile = options.pidfile ?? first.pidfile;
  const logPath = options.log ?? first.log;
  const socketPath = options.socket ?? first.socket ?? (options.control ? defaultSocketPath(pidfile) : undefined);
  const httpAddress = options.http ?? first.http;
  const web =
    httpAddress === undefined
      ? undefined
      : new DaemonWeb(
          httpSettings(httpAddress, options.httpTokenFile ?? first.httpTokenFile, options.http ? '--http' : "config key 'http'"),
        );
  const logFile = logPath === undefined ? undefined : new LogFile(logPath);
  const log: Log = logFile ? (line) => logFile.line(line) : (line) => void options.stderr.write(`tswatch: ${line}\n`);
  let release: (() => void) | undefined;
  let server: Server | undefined;
  // One publisher for every watch: opened with the first load, replaced by a reload only if its settings changed.
  const fleet = new ReloadableFleet((text) => log(text));
  try {
    if (pidfile !== undefined)
      release = acquirePidfile(pidfile, (pid) => log(`removed stale pidfile '${pidfile}' (pid ${pid ?? '?'} is not running)`));
    let unread: LoadedConfig | undefined = first;
    return await daemonLoop({
      baseDir: first.baseDir,
      log,
      output: logFile ? (chunk) => logFile.write(chunk) : 'inherit',
      drainTimeoutMs: options.drainTimeoutMs ?? first.drainTimeoutMs,
      reloadable: true,
      // Beside the pidfile (else where the control socket would be): the next start finds it.
      journal: new QueuedJournal(`${(pidfile ?? defaultSocketPath()).replace(/\.(pid|sock)$/, '')}.queued`),
      reopenLog: logFile ? () => logFile.reopen() : undefined,
      observe: web?.observe,
      publish: fleet.publish,
      sinks: () => fleet.status(),
      // The file is read again on each reload; the first read is the one already validated.
      load: async () => {
        const config = unread ?? loadConfig(options.config);
        unread = undefined;
        await fleet.apply(config.fleet);
        // --drain-timeout wins; else the file's, read again on each reload.
        return {
          watches: config.watches,
          drainTimeoutMs: options.drainTimeoutMs ?? config.drainTimeoutMs,
          onDrainTimeout: config.onDrainTimeout,
        };
      },
      onReady: async (submit, engine) => {
        await web?.start(submit, engine, log, () => fleet.status());
        if (socketPath !== undefined) {
          server = await startControlServer(socketPath, submit);
          log(`control socket: ${socketPath}`, 'info');
        }
      },
    });
  } finally {
    server?.close();
    web?.close();
    await fleet.close(); // after the watches: the events they drained on the way out are sent too
    release?.();
    logFile?.close();
  }
}
