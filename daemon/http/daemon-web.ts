import { writerText } from '../../handlers/writer-text.js';
import type { Event } from '../../src/index.js';
import type { SinkStatus } from '../../recipes/fleet/index.js';
import type { AutomationEngine } from '../automation-engine.js';
import type { Request } from '../daemon-loop.js';
import { HttpAuth } from './auth.js';
import { EventRate } from './event-rate.js';
import { EventRing } from './event-ring.js';
import { type HttpServer, type HttpSettings, startHttpServer } from './server.js';

/** The daemon's web side: it records events from the start, and serves once the watches run. */
export class DaemonWeb {
  private readonly ring = new EventRing();
  private readonly rate = new EventRate();
  private readonly startedAt = new Date();
  private server: HttpServer | undefined;

  constructor(private readonly settings: HttpSettings) {}

  /** For DaemonLoopOptions.observe. */
  readonly observe = (name: string, event: Event, ignored: boolean): void => {
    const now = Date.now();
    this.ring.push(name, event.mask, event.pathname, ignored, now, writerText(event));
    this.rate.add(name, now);
  };

  /** For DaemonLoopOptions.onReady: pause, resume and reload go through the main loop, as `tswatch ctl`'s do. */
  async start(
    submit: (request: Request) => void,
    engine: AutomationEngine,
    log: (line: string) => void,
    sinks: () => SinkStatus[] = () => [],
  ): Promise<void> {
    this.server = await startHttpServer(
      this.settings,
      {
        auth: new HttpAuth(this.settings.token),
        ring: this.ring,
        rate: this.rate,
        startedAt: this.startedAt,
        units: () => engine.status(),
        sinks,
        control: (command, name) => new Promise((reply) => submit({ kind: 'control', command, name, reply })),
        refreshers: new Set(),
      },
      log,
    );
    log(`web page and API: ${this.server.url}${this.settings.token === undefined ? '' : ' (token required)'}`);
  }

  close(): void {
    this.server?.close();
  }
}
