/** tswatch's public API: pyinotify's names, with camelCase for everything new. */
export * from './masks.js';
export { Event, type EventInit, writerOfRecord } from './event.js';
export {
  TswatchError,
  WatchLimitError,
  InstanceLimitError,
  PathError,
  UnnamedEventsError,
  type TswatchErrorOptions,
} from './errors.js';
export { escapedName, fsDecode, fsEncode, fsPath } from './fs-names.js';
export { type DirListing, DirStats, type EntryStat } from './dir-stats.js';
export { lazyBuiltin } from './lazy-builtin.js';
export { countWatches, watchBudget, checkWatchBudget, type WatchBudget, type WatchCount } from './watch-budget.js';
export { inotifyUsage, processInotify, type InotifyUsage } from './inotify-usage.js';
export { ExcludeFilter, type PathFilter } from './exclude-filter.js';
export {
  WatchManager,
  type AddWatchOptions,
  type UpdateWatchOptions,
  type WatchManagerOptions,
  type Watch,
} from './watch-manager.js';
export { Notifier, type NotifierOptions, type LoopOptions } from './notifier.js';
export { ProcessEvent, callHandler, type Handler, type ProcessEventOptions } from './process-event.js';
export { PrintAllEvents, type TextSink } from './print-all-events.js';
export { Stats } from './stats.js';
export { ChainIfTrue } from './chain-if-true.js';
export type { Backend, RawEvent, BackendStartOptions, Writer } from './backends/backend.js';
export { selectBackend, BACKEND_NAMES, type BackendName, type SelectOptions } from './backends/select.js';
export { PollBackend, type PollBackendOptions } from './backends/poll.js';
export { AutoBackend, type AutoBackendOptions } from './backends/auto.js';
export { isRemoteFs, parseMountinfo, mountOfPath, type Mount } from './backends/mount-table.js';
export * from './watchdog/events.js';
export { FileSystemEventHandler } from './watchdog/file-system-event-handler.js';
export { PatternMatchingEventHandler, type PatternMatchingOptions } from './watchdog/pattern-matching-event-handler.js';
export { RegexMatchingEventHandler, type RegexMatchingOptions } from './watchdog/regex-matching-event-handler.js';
export { LoggingEventHandler, type Logger } from './watchdog/logging-event-handler.js';
export { Observer, PollingObserver, ObservedWatch, type ObserverOptions, type EventHandler } from './watchdog/observer.js';
export { DirectorySnapshot, type StatInfo, type SnapshotOptions, type SnapshotJSON } from './snapshot/directory-snapshot.js';
export { DirectorySnapshotDiff, type SnapshotDiffOptions } from './snapshot/directory-snapshot-diff.js';
export { watchedName } from './watched-name.js';
export { eventFilter, type EventFilter, type FilteredEvent, type FilterOptions } from './event-filter.js';
export { watchSpec, type WatchSelection, type WatchSpec } from './watch-spec.js';
