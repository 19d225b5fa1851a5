import type { SinkStatus } from '../../recipes/fleet/index.js';
import type { ControlReply } from '../daemon-loop.js';
import type { UnitStatus } from '../watch-unit.js';
import type { HttpAuth } from './auth.js';
import type { EventRate } from './event-rate.js';
import type { EventRing } from './event-ring.js';

/** What the web server needs from the daemon. */
export interface HttpContext {
  auth: HttpAuth;
  ring: EventRing;
  rate: EventRate;
  startedAt: Date;
  /** The watches' status, read directly: the page stays live while the main loop reloads. */
  units: () => UnitStatus[];
  /** The sinks' counters (none without `sinks:`). */
  sinks?: () => SinkStatus[];
  /** The same requests as `tswatch ctl`, through the daemon's main loop. */
  control: (command: 'pause' | 'resume' | 'reload', name?: string) => Promise<ControlReply>;
  /** Open live streams: each sends a fresh status when called (after a button was pressed). */
  refreshers: Set<() => void>;
}

export interface WatchView extends UnitStatus {
  /** Over the last ten seconds. */
  eventsPerSecond: number;
  /** Events in each of the last minutes' seconds, oldest first. */
  history: number[];
}

export interface StatusView {
  pid: number;
  startedAt: string;
  uptime: string;
  /** The seq of the newest event: `GET /api/events?since=` it for what comes next. */
  lastSeq: number;
  /** How many events /api/events keeps. */
  historySize: number;
  /** POSTs without a bearer token send this in the X-Tswatch-Csrf header. */
  csrf: string;
  watches: WatchView[];
  /** Each sink: events waiting in its outbox, delivered and dropped (outbox full) since the start. */
  sinks: SinkStatus[];
}

function duration(ms: number): string {
  const s = Math.floor(ms / 1000);
  const parts = [
    [Math.floor(s / 86400), 'd'],
    [Math.floor(s / 3600) % 24, 'h'],
    [Math.floor(s / 60) % 60, 'm'],
    [s % 60, 's'],
  ] as const;
  const first = parts.findIndex(([n]) => n > 0);
  return parts
    .slice(first === -1 ? 3 : first)
    .map(([n, unit]) => `${n}${unit}`)
    .join(' ');
}

export function statusView(ctx: HttpContext, now = Date.now()): StatusView {
  const units = ctx.units();
  ctx.rate.retain(units.map((u) => u.name));
  return {
    pid: process.pid,
    startedAt: ctx.startedAt.toISOString(),
    uptime: duration(now - ctx.startedAt.getTime()),
    lastSeq: ctx.ring.lastSeq,
    historySize: ctx.ring.capacity,
    csrf: ctx.auth.csrfToken,
    watches: units.map((u) => ({ ...u, eventsPerSecond: ctx.rate.perSecond(u.name, now), history: ctx.rate.history(u.name, now) })),
    sinks: ctx.sinks?.() ?? [],
  };
}
