/**
 * The built-in templates (eta: `<%= %>` escapes in HTML, `-%>` eats the newline after a control line).
 * Each can be replaced by a file of the same name plus `.eta` in the template directory; `it` is a
 * MailView. The host report parts are included by name, so overriding them changes every mail.
 */
export const DEFAULT_TEMPLATES = {
  subject: `<%= it.prefix %> <% if (!it.digest) { %>host report: <%= it.hostname %>
<% } else if (it.digest.kind === 'reminder') { %><%= it.digest.rule %> on <%= it.origin %>: still happening (<%= it.plural(it.digest.active.length, 'condition') %>)
<% } else if (it.digest.kind === 'recovered') { %><%= it.digest.rule %> on <%= it.origin %>: recovered
<% } else { %><%= it.digest.rule %> on <%= it.origin %>: <%= it.plural(it.digest.total, 'event') %> in <%= it.plural(it.digest.groups.length, 'path') %>
<% if (it.digest.heldBack > 0) { %>(still happening: <%= it.plural(it.digest.heldBack, 'mail') %> held back)<% } %>
<% } %>`,

  text: `<% const d = it.digest -%>
<% if (d) { -%>
<% if (d.kind === 'reminder') { -%>
Still happening on <%= it.origin %> (rule <%= d.rule %>):
<% } else { -%>
<%= it.plural(d.total, 'event') %> on <%= it.origin %> (rule <%= d.rule %>), <%= it.time(d.from) %> to <%= it.time(d.until) %>
<% } -%>
<% if (d.heldBack > 0) { -%>
<%= it.plural(d.heldBack, 'mail') %> held back by the hourly limit; their events are below.
<% } -%>
<% for (const g of d.groups) { -%>

<%= g.path %> (<%= g.count %>)
<% for (const f of g.findings) { -%>
  <%= it.clock(f.time) %>  <%= f.what %><% if (f.detail) { %>: <%= f.detail %><% } %>
<% } -%>
<% if (g.count > g.findings.length) { -%>
  ... and <%= g.count - g.findings.length %> more
<% } -%>
<% } -%>
<% if (d.otherPaths > 0) { -%>

... and <%= it.plural(d.otherPaths, 'more event') %> in other paths
<% } -%>
<% if (d.active.length > 0) { -%>

Still on:
<% for (const c of d.active) { -%>
  <%= c.path %>: <%= c.what %> (since <%= it.time(c.since) %>)
<% } -%>
<% } -%>
<% } -%>
<% if (it.host) { -%>

<%~ include('@host-text', it) %>
<% } -%>`,

  html: `<!doctype html>
<html><body style="font-family: sans-serif">
<% const d = it.digest -%>
<% if (d) { -%>
<h2><% if (d.kind === 'reminder') { %>Still happening<% } else if (d.kind === 'recovered') { %>Recovered<% } else { %><%= it.plural(d.total, 'event') %><% } %> on <%= it.origin %></h2>
<p>Rule <b><%= d.rule %></b>, <%= it.time(d.from) %> to <%= it.time(d.until) %>.<% if (d.heldBack > 0) { %> <%= it.plural(d.heldBack, 'mail') %> held back by the hourly limit; their events are below.<% } %></p>
<% for (const g of d.groups) { -%>
<h3><code><%= g.path %></code> (<%= g.count %>)</h3>
<table cellpadding="3">
<% for (const f of g.findings) { -%>
<tr><td><%= it.clock(f.time) %></td><td><b><%= f.what %></b></td><td><code><%= f.detail ?? '' %></code></td></tr>
<% } -%>
</table>
<% if (g.count > g.findings.length) { %><p>... and <%= g.count - g.findings.length %> more</p><% } %>
<% } -%>
<% if (d.otherPaths > 0) { %><p>... and <%= it.plural(d.otherPaths, 'more event') %> in other paths</p><% } %>
<% if (d.active.length > 0) { -%>
<h3>Still on</h3>
<ul>
<% for (const c of d.active) { %><li><code><%= c.path %></code>: <%= c.what %> (since <%= it.time(c.since) %>)</li>
<% } -%>
</ul>
<% } -%>
<% } -%>
<% if (it.host) { -%>
<%~ include('@host-html', it) %>
<% } -%>
</body></html>
`,

  'host-text': `<% const h = it.host -%>
Host report: <%= h.hostname %> (Linux <%= h.kernel %>), <%= it.time(Date.parse(h.generatedAt)) %>
  booted    <%= it.time(Date.parse(h.bootTime)) %> (up <%= it.duration(h.uptimeSeconds) %>)
  CPU       <%= h.cpuCount %> CPUs, <%= h.cpuUsagePercent %>% busy, load <%= h.loadAverage.map((l) => l.toFixed(2)).join(' ') %>
  memory    <%= it.bytes(h.memory.used) %> of <%= it.bytes(h.memory.total) %> used (<%= h.memory.usedPercent %>%), swap <%= it.bytes(h.memory.swapUsed) %> of <%= it.bytes(h.memory.swapTotal) %>
<% for (const disk of h.disks) { -%>
  disk      <%= disk.mount %> (<%= disk.fstype %>): <%= it.bytes(disk.used) %> of <%= it.bytes(disk.total) %> used (<%= disk.usedPercent %>%), <%= it.bytes(disk.available) %> free
<% } -%>
<% for (const e of h.diskErrors) { -%>
  disk      <%= e.path %>: <%= e.error %>
<% } -%>`,

  'host-html': `<% const h = it.host -%>
<h3>Host report: <%= h.hostname %></h3>
<table cellpadding="3">
<tr><td>kernel</td><td>Linux <%= h.kernel %></td></tr>
<tr><td>booted</td><td><%= it.time(Date.parse(h.bootTime)) %> (up <%= it.duration(h.uptimeSeconds) %>)</td></tr>
<tr><td>CPU</td><td><%= h.cpuCount %> CPUs, <%= h.cpuUsagePercent %>% busy, load <%= h.loadAverage.map((l) => l.toFixed(2)).join(' ') %></td></tr>
<tr><td>memory</td><td><%= it.bytes(h.memory.used) %> of <%= it.bytes(h.memory.total) %> used (<%= h.memory.usedPercent %>%)</td></tr>
<% for (const disk of h.disks) { -%>
<tr><td>disk <code><%= disk.mount %></code></td><td><%= it.bytes(disk.used) %> of <%= it.bytes(disk.total) %> used (<%= disk.usedPercent %>%), <%= it.bytes(disk.available) %> free</td></tr>
<% } -%>
</table>`,
} as const;

export type TemplateName = keyof typeof DEFAULT_TEMPLATES;
