import type { EventRecord } from './event-ring.js';
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

function state(w: WatchView): string {
  return w.paused ? 'paused' : (w.action.state ?? (w.action.running.length > 0 ? 'running' : 'idle'));
}

/** What the action reports besides running pids and state (see ActionStatus). */
function actionCell(w: WatchView): string {
  const { running, state: _state, lastError: _lastError, ...rest } = w.action;
  const items = [`${esc(w.recipe ?? 'action')}${running.length ? ` · pid ${esc(running.join(', '))}` : ''}`];
  for (const [key, value] of Object.entries(rest)) {
    if (value !== undefined) items.push(`${esc(key)}: ${esc(typeof value === 'object' ? JSON.stringify(value) : value)}`);
  }
  return items.join('<br>');
}

function button(w: WatchView, csrf: string): string {
  const verb = w.paused ? 'resume' : 'pause';
  return `<form method="post" action="/api/watches/${encodeURIComponent(w.name)}/${verb}"><input type="hidden" name="csrf" value="${esc(csrf)}"><button class="${verb}">${w.paused ? 'Resume' : 'Pause'}</button></form>`;
}

/** The cells of one watch's row: the page renders them, and the live stream sends them again each second. */
export function rowCells(w: WatchView, csrf: string): string[] {
  const error = w.lastError ?? w.action.lastError;
  const last = w.lastEvent ? `<time>${esc(w.lastEvent.time.slice(11, 19))}</time> ${esc(w.lastEvent.event)}<br><span class="path">${esc(w.lastEvent.path)}</span>` : '–';
  return [
    `<b>${esc(w.name)}</b>`,
    `<span class="state ${esc(state(w))}">${esc(state(w))}</span>`,
    [w.stream, ...w.paths].filter(Boolean).map((p) => `<span class="path">${esc(p)}</span>`).join('<br>'), // from: a fleet stream's URL
    esc(w.backend),
    esc(w.watches),
    `${sparkline(w.history)}<br><span class="rate">${w.eventsPerSecond.toFixed(1)}/s</span>`,
    esc(w.events),
    `${esc(w.errors)}${error ? `<br><span class="error">${esc(error)}</span>` : ''}`,
    esc(w.overflows),
    esc(w.ignored),
    last,
    actionCell(w),
    button(w, csrf),
  ];
}

const HEADINGS = ['Watch', 'State', 'Paths', 'Backend', 'Watches', 'Events/s (5 min)', 'Events', 'Errors', 'Overflows', 'Ignored', 'Last event', 'Action', ''];

export function tableBody(status: StatusView, csrf: string): string {
  return status.watches.map((w) => `<tr data-name="${esc(w.name)}">${rowCells(w, csrf).map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
}

export function tailRow(r: EventRecord): string {
  return `<tr class="${r.ignored ? 'ignored' : ''}"><td>${esc(r.time.slice(11, 23))}</td><td>${esc(r.watch)}</td><td>${esc(r.event)}${r.ignored ? ' (ignored)' : ''}</td><td class="path">${esc(r.path)}</td></tr>`;
}

const STYLE = `body{font:14px system-ui,sans-serif;margin:1.5em;color:#222;background:#fafafa}h1{font-size:1.3em;margin:0 0 .3em}
h2{font-size:1.1em;margin:1.4em 0 .4em}table{border-collapse:collapse;width:100%;background:#fff}th,td{border:1px solid #ddd;padding:.3em .5em;vertical-align:top;text-align:left}
th{background:#eee;font-weight:600}.path{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}.error{color:#b00020;font-size:12px}
.state{font-weight:600}.state.paused{color:#b26a00}.state.running{color:#1b7f2a}.state.backoff,.state.fatal{color:#b00020}
.chart{background:#f3f6fb}.chart polygon{fill:#9db8e8;stroke:#2b63c6;stroke-width:1}.rate{font-size:12px;color:#555}
tr.ignored{color:#999}#note{min-height:1.2em;color:#555}form{display:inline}button{cursor:pointer}
#tail-box{max-height:22em;overflow:auto}header{display:flex;gap:1em;align-items:baseline;flex-wrap:wrap}`;

/** The client: live rows and tail over /api/stream, buttons through fetch with the CSRF header. */
const SCRIPT = `
const csrf = document.querySelector('meta[name=csrf]').content;
const tbody = document.getElementById('watches'), tail = document.getElementById('tail'), note = document.getElementById('note');
const filter = document.getElementById('filter');
const shown = new WeakMap();
let source, lastSeq = Number(document.body.dataset.seq);
function addRow(r) {
  lastSeq = Math.max(lastSeq, r.seq);
  const tr = tail.insertRow(0);
  if (r.ignored) tr.className = 'ignored';
  for (const text of [r.time.slice(11, 23), r.watch, r.event + (r.ignored ? ' (ignored)' : ''), r.path]) tr.insertCell().textContent = text;
  tr.cells[3].className = 'path';
  while (tail.rows.length > 200) tail.deleteRow(-1);
}
function showStatus(s) {
  document.getElementById('uptime').textContent = s.uptime;
  if ([...tbody.rows].map((tr) => tr.dataset.name).join('/') !== s.rows.map((r) => r.name).join('/')) tbody.innerHTML = s.tbody;
  else s.rows.forEach((r, i) => r.cells.forEach((html, j) => {
    const td = tbody.rows[i].cells[j];
    if (shown.get(td) !== html) { td.innerHTML = html; shown.set(td, html); }
  }));
}
function connect(since) {
  if (source) source.close();
  const query = new URLSearchParams(new FormData(filter));
  query.set('since', since);
  source = new EventSource('/api/stream?' + query);
  source.addEventListener('fs', (e) => addRow(JSON.parse(e.data)));
  source.addEventListener('status', (e) => showStatus(JSON.parse(e.data)));
  source.addEventListener('dropped', (e) => (note.textContent = JSON.parse(e.data).dropped + ' older events were no longer kept'));
  source.onopen = () => (note.textContent = '');
  source.onerror = () => {
    if (source.readyState !== 2) return (note.textContent = 'reconnecting…');
    query.set('since', lastSeq);
    fetch('/api/events?' + query).then((r) => r.json()).then((j) => (note.textContent = j.error || 'disconnected'));
  };
}
filter.addEventListener('submit', (e) => {
  e.preventDefault();
  tail.innerHTML = '';
  history.replaceState(null, '', '?' + new URLSearchParams(new FormData(filter)));
  connect(0);
});
document.addEventListener('submit', async (e) => {
  if (e.target.method !== 'post') return;
  e.preventDefault();
  const r = await fetch(e.target.action, { method: 'POST', headers: { 'X-Tswatch-Csrf': csrf } });
  note.textContent = (await r.json()).message || '';
});
connect(lastSeq);`;

/** Each sink's counters as they were when the page was made (live numbers: GET /api/status). */
function sinksTable(status: StatusView): string {
  if (status.sinks.length === 0) return '';
  const rows = status.sinks.map((s) => `<tr><td class="path">${esc(s.sink)}</td><td>${esc(s.pending)}</td><td>${esc(s.delivered)}</td><td>${esc(s.dropped)}</td></tr>`);
  return `<h2>Sinks</h2><table><thead><tr><th>Sink</th><th>Waiting in outbox</th><th>Delivered</th><th>Dropped (outbox full)</th></tr></thead><tbody id="sinks">${rows.join('\n')}</tbody></table>\n`;
}

export function renderPage(status: StatusView, recent: readonly EventRecord[], params: URLSearchParams, nonce: string, message?: string): string {
  const csrf = status.csrf;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="csrf" content="${esc(csrf)}"><title>tswatch</title><style nonce="${nonce}">${STYLE}</style></head>
<body data-seq="${status.lastSeq}"><header><h1>tswatch daemon</h1><span>pid ${status.pid}, up <span id="uptime">${esc(status.uptime)}</span></span>
<form method="post" action="/api/reload"><input type="hidden" name="csrf" value="${esc(csrf)}"><button id="reload">Reload config</button></form></header>
<p id="note" role="status">${esc(message ?? '')}</p>
<table><thead><tr>${HEADINGS.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody id="watches">
${tableBody(status, csrf)}</tbody></table>
${sinksTable(status)}<h2>Recent events</h2>
<form id="filter" method="get" action="/"><label>Path glob <input name="glob" value="${esc(params.get('glob') ?? '')}" placeholder="*.log"></label>
<label>Events <input name="kind" value="${esc(params.get('kind') ?? '')}" placeholder="create,close_write"></label> <button>Filter</button></form>
<div id="tail-box"><table><thead><tr><th>Time (UTC)</th><th>Watch</th><th>Event</th><th>Path</th></tr></thead>
<tbody id="tail">${recent.map(tailRow).reverse().join('\n')}</tbody></table></div>
<script nonce="${nonce}">${SCRIPT}</script></body></html>`;
}

export function renderLogin(nonce: string, wrong: boolean): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>tswatch: sign in</title><style nonce="${nonce}">${STYLE}</style></head>
<body><h1>tswatch daemon</h1><p>${wrong ? '<span class="error">Wrong token.</span> ' : ''}This daemon needs its token (the content of its --http-token-file).</p>
<form method="post" action="/login"><label>Token <input type="password" name="token" autocomplete="current-password" autofocus></label> <button id="login">Sign in</button></form></body></html>`;
}
