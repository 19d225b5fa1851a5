/** The automation recipe: run commands on events, supervise a process, a config-driven daemon. */
export type { Action, ActionContext, ActionFactory, ActionStatus } from './action.js';
export { ACTIONS, resolveAction } from './action-registry.js';
export { AutomationEngine, type WatchDefinition, type ApplyResult } from './automation-engine.js';
export { Batcher } from './batcher.js';
export { CommandRunner, BUSY_POLICIES, type BusyPolicy, type Invocation, type CommandRunnerOptions } from './command-runner.js';
export { loadConfig, type LoadedConfig } from './config-loader.js';
export { controlRequest, defaultSocketPath, startControlServer } from './control-socket.js';
export { runDaemon, type DaemonOptions } from './daemon.js';
export { daemonLoop, type DaemonLoopOptions, type Request, type ControlCommand, type ControlReply } from './daemon-loop.js';
export { execAction, type ExecOptions } from './exec-action.js';
export { Fence } from './fence.js';
export { handlerAction, loadHandlerModule, toHandler } from './handler-module.js';
export { acquirePidfile, readPidfile } from './pidfile.js';
export { commandTemplate, shellTemplate, eventEnv, eventValues, EVENT_PLACEHOLDERS } from './placeholders.js';
export { ProcessGroup, statusCode, describeStatus, type ExitStatus, type OutputSink } from './process-group.js';
export { restartAction, type RestartOptions } from './restart-action.js';
export { RestartSupervisor, type SupervisorOptions, type SupervisorState } from './restart-supervisor.js';
export { WatchUnit, CHANGE_EVENTS, type UnitStatus } from './watch-unit.js';
