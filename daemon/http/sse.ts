import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventRecord } from './event-ring.js';
import { rowCells, sinksTable, tableBody } from './page.js';
import { type HttpContext, statusView } from './status-view.js';

/** Interval of the status frames, which also keep idle connections alive through proxies. */
const STATUS_EVERY_MS = 1000;
/** A client this far behind loses events (counted in a `dropped` frame) rather than our memory. */
const MAX_BUFFERED = 1 << 20;

/**
 * `GET /api/stream`: Server-Sent Events. `fs` frames carry an EventRecord (id: its seq, so a browser
 * reconnecting with Last-Event-ID resumes where it was); `dropped` says how many of the requested
 * events the ring no longer had; `status` frames carry the page's table rows and sinks table, rendered.
 */
export function streamEvents(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: HttpContext,
  accepts: (r: EventRecord) => boolean,
  since: number,
): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
  const send = (event: string, data: unknown, id?: number): void => {
    res.write(`event: ${event}\n${id === undefined ? '' : `id: ${id}\n`}data: ${JSON.stringify(data)}\n\n`);
  };
  let skipped = 0;
  const fs = (record: EventRecord): void => {
    if (!accepts(record)) return;
    if (res.writableLength > MAX_BUFFERED) {
      skipped++;
      return;
    }
    if (skipped > 0) send('dropped', { dropped: skipped });
    skipped = 0;
    send('fs', record, record.seq);
  };
  const status = (): void => {
    const view = statusView(ctx);
    send('status', {
      uptime: view.uptime,
      lastSeq: view.lastSeq,
      rows: view.watches.map((w) => ({ name: w.name, cells: rowCells(w, view.csrf) })),
      tbody: tableBody(view, view.csrf),
      sinks: sinksTable(view),
    });
  };
  res.write('retry: 1000\n\n');
  const backlog = ctx.ring.since(since);
  if (backlog.dropped > 0) send('dropped', { dropped: backlog.dropped });
  backlog.events.forEach(fs);
  const unsubscribe = ctx.ring.subscribe(fs);
  ctx.refreshers.add(status);
  status();
  const timer = setInterval(status, STATUS_EVERY_MS);
  req.on('close', () => {
    clearInterval(timer);
    unsubscribe();
    ctx.refreshers.delete(status);
  });
}
