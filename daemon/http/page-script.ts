/**
 * The page's client: live rows, sinks and tail over /api/stream; buttons through fetch with the CSRF
 * header. Every failed action is said in #note (the API's `error`, its `hint`, or the HTTP status);
 * a 403 for a stale CSRF token (the daemon restarted: a new one) fetches the fresh one and tries once more.
 */
export const PAGE_SCRIPT = `
let csrf = document.querySelector('meta[name=csrf]').content;
const tbody = document.getElementById('watches'), tail = document.getElementById('tail'), note = document.getElementById('note');
const sinks = document.getElementById('sinks-box'), filter = document.getElementById('filter');
const shown = new WeakMap();
let source, lastSeq = Number(document.body.dataset.seq), sinksHtml = sinks.innerHTML;
function say(text, failed) {
  note.textContent = text;
  note.className = failed ? 'error' : '';
}
function addRow(r) {
  lastSeq = Math.max(lastSeq, r.seq);
  const tr = tail.insertRow(0);
  if (r.ignored) tr.className = 'ignored';
  for (const text of [r.time.slice(11, 23), r.watch, r.event + (r.ignored ? ' (ignored)' : ''), r.path + (r.by ? ' \\u2014 by ' + r.by : '')]) tr.insertCell().textContent = text;
  tr.cells[3].className = 'path';
  while (tail.rows.length > 200) tail.deleteRow(-1);
}
function showStatus(s) {
  document.getElementById('uptime').textContent = s.uptime;
  if (s.sinks !== sinksHtml) sinks.innerHTML = sinksHtml = s.sinks;
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
  source.addEventListener('dropped', (e) => say(JSON.parse(e.data).dropped + ' older events were no longer kept'));
  source.onopen = () => note.textContent === 'reconnecting…' && say('');
  source.onerror = () => {
    if (source.readyState !== 2) return say('reconnecting…');
    query.set('since', lastSeq);
    fetch('/api/events?' + query).then((r) => r.json()).then((j) => say(j.error || 'disconnected', true), () => say('disconnected', true));
  };
}
filter.addEventListener('submit', (e) => {
  e.preventDefault();
  tail.innerHTML = '';
  history.replaceState(null, '', '?' + new URLSearchParams(new FormData(filter)));
  connect(0);
});
async function freshCsrf() {
  try {
    const r = await fetch('/api/status', { cache: 'no-store' });
    return r.ok ? (await r.json()).csrf : undefined;
  } catch {
    return undefined;
  }
}
async function post(url, label) {
  for (let retried = false; ; retried = true) {
    let r, body = {};
    try {
      r = await fetch(url, { method: 'POST', headers: { 'X-Tswatch-Csrf': csrf } });
    } catch (err) {
      return say(label + ' failed: the daemon did not answer (' + err.message + ')', true);
    }
    try { body = await r.json(); } catch {}
    if (r.status === 403 && !retried) {
      const fresh = await freshCsrf();
      if (fresh !== undefined && fresh !== csrf) { csrf = fresh; continue; }
    }
    if (r.ok && body.ok !== false) return say(body.message || label + ': done');
    return say(label + ' failed: ' + (body.error || 'HTTP ' + r.status) + (body.hint ? ' (' + body.hint + ')' : ''), true);
  }
}
document.addEventListener('submit', (e) => {
  if (e.target.method !== 'post') return;
  e.preventDefault();
  const button = e.target.querySelector('button');
  say('');
  post(e.target.action, button ? button.textContent : 'request');
});
connect(lastSeq);`;
