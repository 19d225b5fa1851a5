/** The daemon's web page and JSON API. */
export { HttpAuth, readTokenFile, isLoopback } from './auth.js';
export { EventRate } from './event-rate.js';
export { EventRing, type EventRecord } from './event-ring.js';
export { eventFilter } from './event-filter.js';
export { httpSettings, startHttpServer, type HttpServer, type HttpSettings } from './server.js';
export { statusView, type HttpContext, type StatusView, type WatchView } from './status-view.js';
export { DaemonWeb } from './daemon-web.js';
