import type { Event } from './event.js';
import { ProcessEvent, type ProcessEventOptions } from './process-event.js';

/** Something with a write(string) method: process.stdout, a file stream, a test buffer. */
export interface TextSink {
  write(text: string): unknown;
}

/** pyinotify's PrintAllEvents: writes each event's repr on its own line (stdout by default). */
export class PrintAllEvents extends ProcessEvent {
  readonly out: TextSink;

  constructor(options: ProcessEventOptions & { out?: TextSink } = {}) {
    super(options);
    this.out = options.out ?? process.stdout;
  }

  override process_default(event: Event): void {
    this.out.write(`${event}\n`);
  }
}
