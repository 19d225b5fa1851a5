/** Fleet: events to brokers (NATS JetStream, Redis Streams, MQTT), webhooks and files, through an on-disk outbox. */
export { FleetPublisher, defaultOutboxDir, type FleetOptions, type SinkStatus } from './fleet-publisher.js';
export { EventOutbox, type FsyncPolicy, type OutboxBatch, type OutboxOptions } from './event-outbox.js';
export { openSink, parseSinkUrl, SINK_URL_HELP } from './open-sink.js';
export type { FleetRecord, Sink, SinkConfig, SinkMessage, TlsOptions } from './sink.js';
export { SinkDrainer, type DrainerOptions } from './sink-drainer.js';
export { parseSince } from './parse-since.js';
export { followStream, type FollowedStream, type StreamToFollow } from './follow-stream.js';
export { fleetEvents, fleetRecords, recordEvent, streamUrl, type FleetEvent, type SourceOptions } from './fleet-source.js';
