import type { IncomingMessage, ServerResponse } from 'node:http';
import { TswatchError } from '../../src/index.js';
import { eventFilter } from './event-filter.js';
import { streamEvents } from './sse.js';
import { type HttpContext, statusView } from './status-view.js';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`${JSON.stringify(body)}\n`);
}

/** `?since=`: a whole number; absent: `fallback`. */
function seqParam(value: string | null | undefined, fallback: number): number {
  if (value === null || value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value))
    throw new TswatchError(`since: '${value}' is not an event number`, {
      code: 'EBADQUERY',
      hint: 'give since a whole number: the seq of the last event you have (0: all kept)',
    });
  return Number(value);
}

/** The GET endpoints; false if `path` is none of them. */
export function handleGet(req: IncomingMessage, res: ServerResponse, url: URL, ctx: HttpContext): boolean {
  try {
    switch (url.pathname) {
      case '/api/status':
        sendJson(res, 200, statusView(ctx));
        return true;
      case '/api/events': {
        const accepts = eventFilter(url.searchParams);
        const { events, dropped } = ctx.ring.since(seqParam(url.searchParams.get('since'), 0));
        sendJson(res, 200, { lastSeq: ctx.ring.lastSeq, dropped, events: events.filter(accepts) });
        return true;
      }
      case '/api/stream': {
        const accepts = eventFilter(url.searchParams);
        const resume = req.headers['last-event-id'] as string | undefined;
        streamEvents(req, res, ctx, accepts, seqParam(resume ?? url.searchParams.get('since'), ctx.ring.lastSeq));
        return true;
      }
      default:
        return false;
    }
  } catch (err) {
    if (!(err instanceof TswatchError)) throw err;
    sendJson(res, 400, { error: err.message, hint: err.hint });
    return true;
  }
}

/** `POST /api/reload`, `POST /api/watches/NAME/pause|resume`; undefined if `path` is none of them. */
export async function handlePost(path: string, ctx: HttpContext): Promise<{ status: number; body: Record<string, unknown> } | undefined> {
  const watch = /^\/api\/watches\/([^/]+)\/(pause|resume)$/.exec(path);
  if (path !== '/api/reload' && watch === null) return undefined;
  const reply =
    watch === null ? await ctx.control('reload') : await ctx.control(watch[2] as 'pause' | 'resume', decodeURIComponent(watch[1]!));
  for (const refresh of ctx.refreshers) refresh();
  if (reply.ok) return { status: 200, body: { ok: true, message: reply.message } };
  return { status: watch !== null && reply.error.startsWith('no watch named') ? 404 : 409, body: { ok: false, error: reply.error } };
}
