import type { EventRecord } from './event-ring.js';
import { PAGE_SCRIPT } from './page-script.js';
import type { StatusView, WatchView } from './status-view.js';

/** HTML-escape: file names may be `<script>` or `"; rm -rf ~`. */
export const esc = (value: unknown): string =>
  String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function sparkline(history: readonly number[]): string {
  const max = Math.max(1, ...history);
  const step = 150 / Math.max(1, history.length - 1);
  const points = history.map((v, i) => `${(i * step).toFixed(1)},${(27 - (v / max) * 25).toFixed(1)}`).join(' ');
  return `<svg class="chart" viewBox="0 0 150 28" width="150" height="28" role="img" aria-label="events per second, last ${history.length} s, peak ${max}"><title>last ${history.length} s, peak ${max}/s</title><polygon points="0,28 ${points} 150,28"/></svg>`;
}

/** A watch as it arrives: one that failed (at start, on reload) has `state: 'failed'` and `error`, maybe no action. */
type Shown = WatchView & { state?: unknown; error?: unknown };
const running = (w: Shown): number[] => w.action?.running ?? [];

function state(w: Shown): string {
  if (typeof w.state === 'string') return w.state;
  return w.paused ? 'paused' : (w.action?.state ?? (running(w).length > 0 ? 'running' : 'idle'));
}

/** What the action reports besides running pids and state (see ActionStatus). */
function actionCell(w: Shown): string {
  const { running: pids = [], state: _state, lastError: _lastError, ...rest } = w.action ?? {};
  const items = [`${esc(w.recipe ?? 'action')}${pids.length ? ` · pid ${esc(pids.join(', '))}` : ''}`];
  for (const [key, value] of Object.entries(rest)) {
    if (value !== undefined) items.push(`${esc(key)}: ${esc(typeof value === 'object' ? JSON.stringify(value) : value)}`);
  }
  return items.join('<br>');
}

function button(w: Shown, csrf: string): string {
  if (w.state === 'failed') return '';
  const verb = w.paused ? 'resume' : 'pause';
  return `<form method="post" action="/api/watches/${encodeURIComponent(w.name)}/${verb}"><input type="hidden" name="csrf" value="${esc(csrf)}"><button class="${verb}">${w.paused ? 'Resume' : 'Pause'}</button></form>`;
}

/** The cells of one watch's row: the page renders them, and the live stream sends them again each second. */
export function rowCells(w: Shown, csrf: string): string[] {
  const error = w.error ?? w.lastError ?? w.action?.lastError;
  const count = (n: number | undefined): string => esc(n ?? '–');
  const last = w.lastEvent
    ? `<time>${esc(w.lastEvent.time.slice(11, 19))}</time> ${esc(w.lastEvent.event)}<br><span class="path">${esc(w.lastEvent.path)}</span>`
    : '–';
  return [
    `<b>${esc(w.name)}</b>`,
    `<span class="state ${esc(state(w))}">${esc(state(w))}</span>`,
    [w.stream, ...(w.paths ?? [])]
      .filter(Boolean)
      .map((p) => `<span class="path">${esc(p)}</span>`)
      .join('<br>'), // from: a fleet stream's URL
    esc(w.backend ?? '–'),
    count(w.watches),
    `${sparkline(w.history)}<br><span class="rate">${w.eventsPerSecond.toFixed(1)}/s</span>`,
    count(w.events),
    `${count(w.errors)}${error ? `<br><span class="error">${esc(error)}</span>` : ''}`,
    count(w.overflows),
    count(w.ignored),
    last,
    actionCell(w),
    button(w, csrf),
  ];
}

const HEADINGS = [
  'Watch',
  'State',
  'Paths',
  'Backend',
  'Watches',
  'Events/s (5 min)',
  'Events',
  'Errors',
  'Overflows',
  'Ignored',
  'Last event',
  'Action',
  '',
];

export function tableBody(status: StatusView, csrf: string): string {
  return status.watches
    .map(
      (w) =>
        `<tr data-name="${esc(w.name)}">${rowCells(w, csrf)
          .map((c) => `<td>${c}</td>`)
          .join('')}</tr>`,
    )
    .join('\n');
}

export function tailRow(r: EventRecord): string {
  return `<tr class="${r.ignored ? 'ignored' : ''}"><td>${esc(r.time.slice(11, 23))}</td><td>${esc(r.watch)}</td><td>${esc(r.event)}${r.ignored ? ' (ignored)' : ''}</td><td class="path">${esc(r.path)}</td></tr>`;
}

const STYLE = `body{font:14px system-ui,sans-serif;margin:1.5em;color:#222;background:#fafafa}h1{font-size:1.3em;margin:0 0 .3em}
h2{font-size:1.1em;margin:1.4em 0 .4em}table{border-collapse:collapse;width:100%;background:#fff}th,td{border:1px solid #ddd;padding:.3em .5em;vertical-align:top;text-align:left}
th{background:#eee;font-weight:600}.path{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}.error{color:#b00020;font-size:12px}
.state{font-weight:600}.state.paused{color:#b26a00}.state.running{color:#1b7f2a}.state.backoff,.state.fatal,.state.failed{color:#b00020}
.chart{background:#f3f6fb}.chart polygon{fill:#9db8e8;stroke:#2b63c6;stroke-width:1}.rate{font-size:12px;color:#555}
tr.ignored{color:#999}#note{min-height:1.2em;color:#555;white-space:pre-wrap}#note.error{color:#b00020;font-size:inherit}form{display:inline}button{cursor:pointer}
#tail-box{max-height:22em;overflow:auto}header{display:flex;gap:1em;align-items:baseline;flex-wrap:wrap}`;

/** Each sink's counters; the live stream sends the table again each second (sinks can come with a reload). */
export function sinksTable(status: StatusView): string {
  if (status.sinks.length === 0) return '';
  const rows = status.sinks.map(
    (s) => `<tr><td class="path">${esc(s.sink)}</td><td>${esc(s.pending)}</td><td>${esc(s.delivered)}</td><td>${esc(s.dropped)}</td></tr>`,
  );
  return `<h2>Sinks</h2><table><thead><tr><th>Sink</th><th>Waiting in outbox</th><th>Delivered</th><th>Dropped (outbox full)</th></tr></thead><tbody id="sinks">${rows.join('\n')}</tbody></table>\n`;
}

export function renderPage(
  status: StatusView,
  recent: readonly EventRecord[],
  params: URLSearchParams,
  nonce: string,
  message?: string,
): string {
  const csrf = status.csrf;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="csrf" content="${esc(csrf)}"><title>tswatch</title><style nonce="${nonce}">${STYLE}</style></head>
<body data-seq="${status.lastSeq}"><header><h1>tswatch daemon</h1><span>pid ${status.pid}, up <span id="uptime">${esc(status.uptime)}</span></span>
<form method="post" action="/api/reload"><input type="hidden" name="csrf" value="${esc(csrf)}"><button id="reload">Reload config</button></form></header>
<p id="note" role="status">${esc(message ?? '')}</p>
<table><thead><tr>${HEADINGS.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody id="watches">
${tableBody(status, csrf)}</tbody></table>
<div id="sinks-box">${sinksTable(status)}</div><h2>Recent events</h2>
<form id="filter" method="get" action="/"><label>Path glob <input name="glob" value="${esc(params.get('glob') ?? '')}" placeholder="*.log"></label>
<label>Events <input name="kind" value="${esc(params.get('kind') ?? '')}" placeholder="create,close_write"></label> <button>Filter</button></form>
<div id="tail-box"><table><thead><tr><th>Time (UTC)</th><th>Watch</th><th>Event</th><th>Path</th></tr></thead>
<tbody id="tail">${recent.map(tailRow).reverse().join('\n')}</tbody></table></div>
<script nonce="${nonce}">${PAGE_SCRIPT}</script></body></html>`;
}

export function renderLogin(nonce: string, wrong: boolean): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>tswatch: sign in</title><style nonce="${nonce}">${STYLE}</style></head>
<body><h1>tswatch daemon</h1><p>${wrong ? '<span class="error">Wrong token.</span> ' : ''}This daemon needs its token (the content of its --http-token-file).</p>
<form method="post" action="/login"><label>Token <input type="password" name="token" autocomplete="current-password" autofocus></label> <button id="login">Sign in</button></form></body></html>`;
}
