import type { FleetOptions } from '../recipes/fleet/index.js';
import type { SinkConfig } from '../recipes/fleet/sink.js';
import type { ConfigFile } from './config-schema.js';

/** A sink entry (a `sinks:` item, a watch's `stream:`) with the files it names resolved. */
export function localSink(
  { tls, credsFile, passwordFile, ...sink }: SinkConfig,
  local: (p: string | undefined) => string | undefined,
): SinkConfig {
  return {
    ...sink,
    ...(tls && { tls: { ...tls, ca: local(tls.ca), cert: local(tls.cert), key: local(tls.key) } }),
    ...(credsFile && { credsFile: local(credsFile) }),
    ...(passwordFile && { passwordFile: local(passwordFile) }),
  };
}

/** `sinks:`, `host:` and `outbox:` as FleetOptions, the files they name resolved against the config's directory. */
export function fleetOptions(config: ConfigFile, local: (p: string | undefined) => string | undefined): FleetOptions | undefined {
  if (config.sinks === undefined) return undefined;
  const sinks = config.sinks.map((sink) => localSink(sink, local));
  const outbox = config.outbox && { ...config.outbox, dir: local(config.outbox.dir) };
  return JSON.parse(JSON.stringify({ sinks, host: config.host, outbox })) as FleetOptions; // undefined keys left out
}
