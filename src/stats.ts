import { closeSync, constants, openSync, writeSync } from 'node:fs';
import type { Event } from './event.js';
import { ProcessEvent, type ProcessEventOptions } from './process-event.js';

/** pyinotify's Stats: counts events by mask name; `toString()` draws a bar chart, `dump()` writes it. */
export class Stats extends ProcessEvent {
  private readonly startTime = Date.now();
  private readonly counts = new Map<string, number>();

  constructor(options: ProcessEventOptions = {}) {
    super(options);
  }

  override process_default(event: Event): void {
    for (const name of event.maskname.split('|')) this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
  }

  /** A copy of the counts, by mask name (IN_ISDIR counted on its own, as pyinotify does). */
  get stats(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => (a < b ? -1 : 1)));
  }

  /** pyinotify's repr: `<Stats ElapsedTime=3sec IN_CREATE=2 >`. */
  repr(): string {
    const fields = { ...this.stats, ElapsedTime: elapsed(Math.floor((Date.now() - this.startTime) / 1000)) };
    const sorted = Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : 1));
    return `<Stats${sorted.map(([key, value]) => ` ${key}=${value}`).join('')} >`;
  }

  /** pyinotify's str: one bar per mask name, scaled so the largest count is `scale` wide. */
  override toString(scale = 45): string {
    const stats = Object.entries(this.stats);
    if (stats.length === 0) return '';
    const max = Math.max(...stats.map(([, count]) => count));
    return stats
      .map(([name, count]) => `${name.padEnd(26)}${'@'.repeat(Math.floor((count * scale) / max)).padEnd(scale + 1)}${count}`)
      .join('\n');
  }

  /** Write the chart to a new file (never over an existing one or through a symlink), mode 0600. */
  dump(filename: string): void {
    const fd = openSync(filename, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      writeSync(fd, this.toString());
    } finally {
      closeSync(fd);
    }
  }
}

function elapsed(seconds: number): string {
  if (seconds < 60) return `${seconds}sec`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}mn${seconds % 60}sec`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h${Math.floor((seconds % 3600) / 60)}mn`;
  return `${Math.floor(seconds / 86400)}d${Math.floor((seconds % 86400) / 3600)}h`;
}
