import { Argument, Command } from 'commander';
import type { UnitStatus } from '../../daemon/watch-unit.js';
import type { SinkStatus } from '../../recipes/fleet/index.js';
import { TswatchError } from '../../src/errors.js';

interface CtlFlags {
  socket?: string;
  pidfile?: string;
  json?: boolean;
}

function state(unit: UnitStatus): string {
  if (unit.state === 'failed') return 'failed';
  if (unit.paused) return 'paused';
  const action = unit.action as { state?: string };
  return action.state ?? (unit.action.running.length > 0 ? 'running' : 'idle');
}

/** `ctl status` as a table: one row per watch. */
export function statusTable(units: readonly UnitStatus[]): string {
  const rows = [['NAME', 'STATE', 'WATCHES', 'EVENTS', 'ERRORS', 'OVERFLOWS', 'IGNORED', 'RUNNING', 'LAST EVENT', 'PATHS']];
  for (const u of units) {
    const last = u.lastEvent ? `${u.lastEvent.time.slice(11, 19)} ${u.lastEvent.event} ${u.lastEvent.path}` : '-';
    rows.push([
      u.name,
      state(u),
      String(u.watches),
      String(u.events),
      String(u.errors),
      String(u.overflows),
      String(u.ignored),
      u.action.running.join(',') || '-',
      last,
      [u.stream, ...u.paths].filter(Boolean).join(' '),
    ]);
  }
  // A failed watch's error, and events refused for names argv cannot carry, below the table: too long for a column.
  const failed = units.filter((u) => u.state === 'failed').map((u) => `watch '${u.name}' failed: ${u.error}`);
  const refused = units
    .filter((u) => Number(u.action.refused ?? 0) > 0)
    .map(
      (u) =>
        `watch '${u.name}': ${String(u.action.refused)} events not run (names a command line cannot carry exactly; the log names them)`,
    );
  return [table(rows), ...failed, ...refused].join('\n');
}

/** `ctl sinks` (and the end of `ctl status`): one row per sink. */
export function sinksTable(sinks: readonly SinkStatus[]): string {
  return table([
    ['SINK', 'PENDING', 'DELIVERED', 'DROPPED'],
    ...sinks.map((s) => [s.sink, String(s.pending), String(s.delivered), String(s.dropped)]),
  ]);
}

/** Columns padded to their widest cell, the last one left ragged. */
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  return rows.map((row) => row.map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col]!))).join('  ')).join('\n');
}

export function ctlCommand(): Command {
  return new Command('ctl')
    .summary('control a running tswatch daemon: status, sinks, reload, stop, pause, resume')
    .description('Talk to a tswatch daemon over its control socket (only the user who started it may).')
    .addArgument(new Argument('<command>', 'what to do').choices(['status', 'sinks', 'reload', 'stop', 'pause', 'resume']))
    .argument('[name]', 'the watch to pause or resume (its name in the config file)')
    .option('--socket <path>', "the daemon's control socket")
    .option('--pidfile <file>', 'find the socket next to this pidfile (as the daemon does)')
    .option('--json', 'status (the watches) or sinks as JSON')
    .addHelpText(
      'after',
      `
Without --socket or --pidfile: $XDG_RUNTIME_DIR/tswatch.sock, else /tmp/tswatch-UID/daemon.sock.

Examples:
  tswatch ctl status                     table of watches: events, errors, overflows, running commands
  tswatch ctl status --json | jq .
  tswatch ctl sinks                      each sink (config key sinks:): events waiting in its outbox, delivered, dropped
  tswatch ctl pause build                ignore the 'build' watch's events until resumed
  tswatch ctl reload                     same as kill -HUP`,
    )
    .action(async (command: 'status' | 'sinks' | 'reload' | 'stop' | 'pause' | 'resume', name: string | undefined, flags: CtlFlags) => {
      if ((command === 'pause' || command === 'resume') && name === undefined) {
        throw new TswatchError(`ctl ${command} needs the name of a watch`, {
          code: 'EBADFLAG',
          hint: `tswatch ctl ${command} NAME (names: tswatch ctl status)`,
        });
      }
      const { controlRequest, defaultSocketPath } = await import('../../daemon/control-socket.js');
      // `sinks` is the sinks part of the daemon's status.
      const reply = await controlRequest(flags.socket ?? defaultSocketPath(flags.pidfile), command === 'sinks' ? 'status' : command, name);
      if (!reply.ok) throw new TswatchError(reply.error, { code: 'ECTL' });
      const sinks = reply.sinks ?? [];
      if (command === 'status' && flags.json) process.stdout.write(`${JSON.stringify(reply.status, null, 2)}\n`);
      else if (command === 'status')
        process.stdout.write(`${statusTable(reply.status ?? [])}\n${sinks.length > 0 ? `\n${sinksTable(sinks)}\n` : ''}`);
      else if (command === 'sinks')
        process.stdout.write(
          `${flags.json ? JSON.stringify(sinks, null, 2) : sinks.length > 0 ? sinksTable(sinks) : 'no sinks (config key sinks:)'}\n`,
        );
      else if (reply.message) process.stdout.write(`${reply.message}\n`);
    });
}
