/** The daemon's web API over real HTTP on 127.0.0.1, against real `tswatch daemon` processes. */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnTswatch } from '../../helpers/spawn-cli.js';
import { tmpDir } from '../../helpers/tmp-dir.js';
import { apiStatus, request, startWebDaemon, untilEvents, waitForAsync } from '../../helpers/web-daemon.js';

test('GET /api/status: each watch with paths, backend, watches held, counters, rate, last event, action status', async () => {
  const d = await startWebDaemon(
    [],
    `  - name: srv\n    paths: [tswatch.yaml]\n    restart: [sh, -c, 'exec sleep 1000 >/dev/null 2>&1']\n`,
  ); // no pipe of ours held if killed
  mkdirSync(join(d.watched, 'sub'));
  writeFileSync(join(d.watched, 'one'), '');
  await untilEvents(d.url, 1);
  const status = await apiStatus(d.url);
  assert.equal(status.pid, d.daemon.child.pid);
  assert.match(status.startedAt, /^\d{4}-\d\d-\d\dT/);
  assert.equal(status.historySize, 1000);
  assert.equal(typeof status.csrf, 'string');
  const [w, srv] = status.watches;
  assert.deepEqual([w.name, w.recipe, w.paths, w.backend, w.paused], ['w', 'exec', [d.watched], 'inotify', false]);
  assert.equal(w.watches, 1, 'not recursive: the top directory only');
  assert.equal(w.events, 1, 'close_write of one (the mkdir is not in the default events)');
  assert.deepEqual([w.errors, w.overflows, w.ignored], [0, 0, 0]);
  assert.equal(w.lastEvent.path, join(d.watched, 'one'));
  assert.equal(w.lastEvent.event, 'CLOSE_WRITE,CLOSE');
  assert.equal(w.history.length, 300, 'one count per second, five minutes');
  assert.equal(
    w.history.reduce((a: number, b: number) => a + b, 0),
    1,
  );
  assert.equal(typeof w.eventsPerSecond, 'number');
  assert.deepEqual(Object.keys(w.action).sort(), ['failures', 'queued', 'refused', 'running', 'runs']);
  assert.equal(srv.recipe, 'restart');
  assert.equal(srv.action.state, 'running');
  assert.equal(srv.action.running.length, 1, 'the supervised pid');
});

test('GET /api/events: since, glob and kind filters, clear 400s for bad queries', async () => {
  const d = await startWebDaemon();
  for (const name of ['a.log', 'b.txt', 'c.log']) writeFileSync(join(d.watched, name), '');
  await untilEvents(d.url, 3);
  const all = (await request(`${d.url}api/events?since=0`)).json();
  assert.deepEqual(
    all.events.map((e: { path: string }) => e.path),
    ['a.log', 'b.txt', 'c.log'].map((n) => join(d.watched, n)),
  );
  assert.deepEqual(
    all.events.map((e: { seq: number }) => e.seq),
    [1, 2, 3],
  );
  assert.deepEqual([all.lastSeq, all.dropped], [3, 0]);
  assert.deepEqual(
    (await request(`${d.url}api/events?since=2`)).json().events.map((e: { seq: number }) => e.seq),
    [3],
  );
  assert.deepEqual((await request(`${d.url}api/events?since=3`)).json().events, []);
  const logs = (await request(`${d.url}api/events?since=0&glob=*.log`)).json();
  assert.deepEqual(
    logs.events.map((e: { seq: number }) => e.seq),
    [1, 3],
  );
  assert.equal((await request(`${d.url}api/events?since=0&kind=create`)).json().events.length, 0, 'exec watches do not take IN_CREATE');
  assert.equal((await request(`${d.url}api/events?since=0&kind=close_write,delete`)).json().events.length, 3);
  const badKind = await request(`${d.url}api/events?kind=create,bogus`);
  assert.equal(badKind.status, 400);
  assert.match(badKind.json().error, /unknown event name 'bogus'/);
  assert.match(badKind.json().hint, /valid event names: .*close_write/);
  const badSince = await request(`${d.url}api/events?since=yesterday`);
  assert.equal(badSince.status, 400);
  assert.match(badSince.json().error, /since: 'yesterday' is not an event number/);
});

test('the event history is bounded: the last 1000, with how many a late reader missed', async () => {
  const d = await startWebDaemon();
  for (let i = 0; i < 1100; i++) writeFileSync(join(d.watched, `f${i}`), '');
  await untilEvents(d.url, 1100);
  const all = (await request(`${d.url}api/events?since=0`)).json();
  assert.equal(all.events.length, 1000);
  assert.equal(all.dropped, 100);
  assert.equal(all.events[0].seq, 101);
  assert.equal(all.events[0].path, join(d.watched, 'f100'));
  const late = (await request(`${d.url}api/events?since=60`)).json();
  assert.deepEqual([late.events.length, late.dropped], [1000, 40]);
  const recent = (await request(`${d.url}api/events?since=1090`)).json();
  assert.deepEqual([recent.events.length, recent.dropped], [10, 0]);
  assert.equal((await apiStatus(d.url)).watches[0].events, 1100, 'the counters are not bounded');
});

test('SSE /api/stream: new events as they come, Last-Event-ID resumes, status frames', async () => {
  const d = await startWebDaemon();
  writeFileSync(join(d.watched, 'before'), '');
  await untilEvents(d.url, 1);
  const controller = new AbortController();
  const res = await fetch(`${d.url}api/stream?glob=*.txt`, { signal: controller.signal, headers: { 'last-event-id': '0' } });
  assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  const reader = res.body!.getReader();
  let text = '';
  writeFileSync(join(d.watched, 'skip.bin'), '');
  writeFileSync(join(d.watched, 'new.txt'), '');
  await waitForAsync(async () => {
    text += new TextDecoder().decode((await reader.read()).value);
    return text.includes('new.txt') && text.includes('event: status');
  }, 'the new event in the stream');
  controller.abort();
  const frames = text.split('\n\n').filter((frame) => frame.startsWith('event: fs'));
  assert.equal(frames.length, 1, `filtered by the glob: ${frames.join('\n')}`);
  assert.match(frames[0]!, /^event: fs\nid: 3\ndata: \{"seq":3,.*"path":"[^"]*new\.txt"/);
});

test('loopback without a token: Host must be a loopback name; a POST needs the CSRF token and our Origin', async () => {
  const d = await startWebDaemon();
  const rebound = await request(`${d.url}api/status`, { headers: { host: 'attacker.example:80' } });
  assert.equal(rebound.status, 403, 'DNS rebinding: another name for 127.0.0.1 gets nothing');
  assert.ok(!rebound.body.includes(d.watched));
  const pause = `${d.url}api/watches/w/pause`;
  const bare = await request(pause, { method: 'POST' });
  assert.equal(bare.status, 403);
  assert.match(bare.json().error, /needs the x-tswatch-csrf header/);
  const { csrf } = await apiStatus(d.url);
  const wrong = await request(pause, { method: 'POST', headers: { 'x-tswatch-csrf': 'guess' } });
  assert.equal(wrong.status, 403);
  const crossSite = await request(pause, { method: 'POST', headers: { 'x-tswatch-csrf': csrf, origin: 'http://attacker.example' } });
  assert.equal(crossSite.status, 403);
  assert.match(crossSite.json().error, /cross-origin request from http:\/\/attacker.example refused/);
  assert.equal((await apiStatus(d.url)).watches[0].paused, false, 'none of those did anything');

  const ok = await request(pause, { method: 'POST', headers: { 'x-tswatch-csrf': csrf, origin: d.url.slice(0, -1) } });
  assert.deepEqual([ok.status, ok.json()], [200, { ok: true, message: "paused 'w'" }]);
  const ctl = d.ctl('status', '--json');
  assert.equal(await ctl.exited, 0);
  assert.equal(JSON.parse(ctl.stdout)[0].paused, true, 'the same state tswatch ctl sees');
  // The page's form with JavaScript off: the csrf field, then back to the page.
  const form = await request(`${d.url}api/watches/w/resume`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `csrf=${csrf}`,
  });
  assert.equal(form.status, 303);
  assert.equal(form.headers.location, `/?msg=${encodeURIComponent("resumed 'w'")}`);
  assert.equal((await apiStatus(d.url)).watches[0].paused, false);
  const unknown = await request(`${d.url}api/watches/nope/pause`, { method: 'POST', headers: { 'x-tswatch-csrf': csrf } });
  assert.equal(unknown.status, 404);
  assert.match(unknown.json().error, /no watch named 'nope' \(watches: w\)/);
  const reload = await request(`${d.url}api/reload`, { method: 'POST', headers: { 'x-tswatch-csrf': csrf } });
  assert.deepEqual([reload.status, reload.json().message], [200, 'reloaded: 0 started, 1 unchanged, 0 stopped']);
});

test('a token file: 401 without or with a wrong token, never data; bearer or the login cookie let in', async () => {
  const root = tmpDir();
  const tokenFile = join(root, 'token');
  const token = 'k3Jd9-very-long-random-token-0123';
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  // Off loopback, with the token: allowed (reached here through 127.0.0.1).
  const d = await startWebDaemon(['--http', '0.0.0.0:0', '--http-token-file', tokenFile]);
  const url = d.url.replace('0.0.0.0', '127.0.0.1');
  writeFileSync(join(d.watched, 'secret-name'), '');
  for (const headers of [
    {} as Record<string, string>,
    { authorization: 'Bearer wrong-token-wrong-token' },
    { authorization: `Basic ${Buffer.from(`x:${token}`).toString('base64')}` },
    { cookie: 'tswatch_session=forged' },
  ]) {
    for (const path of ['api/status', 'api/events?since=0', 'api/stream', '']) {
      const reply = await request(`${url}${path}`, { headers });
      assert.equal(reply.status, 401, `${path} with ${JSON.stringify(headers)}`);
      assert.ok(!reply.body.includes(d.watched) && !reply.body.includes('secret-name'), 'no data in a refusal');
    }
    const post = await request(`${url}api/watches/w/pause`, { method: 'POST', headers });
    assert.equal(post.status, 401);
  }
  const api = await request(`${url}api/status`);
  assert.equal(api.headers['www-authenticate'], 'Bearer realm="tswatch"');
  assert.match((await request(url)).body, /<form method="post" action="\/login">/, 'the page asks for the token');

  const bearer = { authorization: `Bearer ${token}` };
  assert.equal((await apiStatus(url, bearer)).watches[0].paths[0], d.watched);
  const pause = await request(`${url}api/watches/w/pause`, { method: 'POST', headers: bearer });
  assert.equal(pause.status, 200, 'a bearer token needs no CSRF token: browsers never send it by themselves');

  const badLogin = await request(`${url}login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'token=nope',
  });
  assert.equal(badLogin.status, 401);
  assert.match(badLogin.body, /Wrong token/);
  assert.equal(badLogin.headers['set-cookie'], undefined);
  const login = await request(`${url}login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `token=${encodeURIComponent(token)}`,
  });
  assert.equal(login.status, 303);
  const cookie = login.headers['set-cookie']![0]!;
  assert.match(cookie, /^tswatch_session=[\w-]+; HttpOnly; SameSite=Strict; Path=\/$/);
  assert.ok(!cookie.includes(token), 'the cookie is not the token itself');
  const session = { cookie: cookie.split(';')[0]! };
  const page = await request(url, { headers: session });
  assert.equal(page.status, 200);
  assert.ok(page.body.includes(d.watched));
  const noCsrf = await request(`${url}api/watches/w/resume`, { method: 'POST', headers: session });
  assert.equal(noCsrf.status, 403, 'a cookie alone does not make a POST: it needs the CSRF token too');
  const { csrf } = await apiStatus(url, session);
  const resume = await request(`${url}api/watches/w/resume`, { method: 'POST', headers: { ...session, 'x-tswatch-csrf': csrf } });
  assert.equal(resume.status, 200);
});

test('refused at start: a non-loopback address without a token, a token file others can read, a bad address', async () => {
  const root = tmpDir();
  mkdirSync(join(root, 'w'));
  const config = join(root, 'c.yaml');
  writeFileSync(config, `http: 0.0.0.0:0\nwatches:\n  - paths: [w]\n    exec: ['true']\n`);
  const fromConfig = spawnTswatch(['daemon', '--config', config, '--socket', join(root, 's')]);
  assert.equal(await fromConfig.exited, 1);
  assert.match(
    fromConfig.stderr,
    /tswatch: config key 'http': '0.0.0.0:0' is reachable from other machines, and no token is set\n\s+add --http-token-file FILE/,
  );
  assert.ok(!fromConfig.stderr.includes('Watches established'), 'nothing started');
  const flag = spawnTswatch(['daemon', '--config', config, '--socket', join(root, 's'), '--http', '[::]:0']);
  assert.equal(await flag.exited, 1);
  assert.match(flag.stderr, /--http: '\[::\]:0' is reachable from other machines/);
  const tokenFile = join(root, 'token');
  writeFileSync(tokenFile, 'a-long-enough-token-0123456789', { mode: 0o644 });
  const readable = spawnTswatch(['daemon', '--config', config, '--socket', join(root, 's'), '--http-token-file', tokenFile]);
  assert.equal(await readable.exited, 1);
  assert.match(readable.stderr, new RegExp(`--http-token-file: '${tokenFile}' can be read by other users\\n\\s+chmod 600`));
  const taken = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => taken.once('listening', resolve));
  const port = (taken.address() as { port: number }).port;
  const busy = spawnTswatch(['daemon', '--config', config, '--socket', join(root, 's'), '--http', `127.0.0.1:${port}`]);
  assert.equal(await busy.exited, 1);
  taken.close();
  assert.match(
    busy.stderr,
    new RegExp(`cannot listen on 127.0.0.1:${port}: .*EADDRINUSE.*\\n\\s+another program uses that port: pick another in --http`),
  );
  assert.ok(!busy.stderr.includes('Watches established'), 'the watches it had started were stopped');
  const bad = spawnTswatch(['daemon', '--config', config, '--socket', join(root, 's'), '--http', 'localhost:99999']);
  assert.equal(await bad.exited, 1);
  assert.match(bad.stderr, /--http: 'localhost:99999' is not HOST:PORT\n\s+e\.g\. --http 127\.0\.0\.1:8080/);
});

test('behind an HTTPS reverse proxy: login and POSTs from the page origin https://HOST pass; other origins do not', async () => {
  const tokenFile = join(tmpDir(), 'token');
  const token = 'proxy-test-token-0123456789abcdef';
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  const d = await startWebDaemon(['--http-token-file', tokenFile]);
  const host = 'tswatch.example.com';
  // What a TLS proxy forwards: the browser's Host (proxy_set_header Host $host) and its https Origin.
  const viaProxy = { host, origin: `https://${host}`, 'x-forwarded-proto': 'https' };
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const login = await request(`${d.url}login`, { method: 'POST', headers: { ...viaProxy, ...form }, body: `token=${token}` });
  assert.equal(login.status, 303, login.body);
  const session = { cookie: login.headers['set-cookie']![0]!.split(';')[0]! };
  const { csrf } = await apiStatus(d.url, session);
  const pause = await request(`${d.url}api/watches/w/pause`, {
    method: 'POST',
    headers: { ...viaProxy, ...session, 'x-tswatch-csrf': csrf },
  });
  assert.deepEqual([pause.status, pause.json()], [200, { ok: true, message: "paused 'w'" }]);
  // A proxy that rewrites Host to the upstream's says the public one in X-Forwarded-Host.
  const rewritten = { host: d.url.slice(7, -1), origin: `https://${host}`, 'x-forwarded-host': host };
  const resume = await request(`${d.url}api/watches/w/resume`, {
    method: 'POST',
    headers: { ...rewritten, ...session, 'x-tswatch-csrf': csrf },
  });
  assert.equal(resume.status, 200, resume.body);
  for (const origin of ['https://attacker.example', `https://${host}.attacker.example`, `http://attacker.example`]) {
    const refused = await request(`${d.url}api/watches/w/pause`, {
      method: 'POST',
      headers: { host, origin, ...session, 'x-tswatch-csrf': csrf },
    });
    assert.equal(refused.status, 403, origin);
    assert.match(refused.json().error, new RegExp(`cross-origin request from ${origin.replace(/\./g, '\\.')} refused`));
    const refusedLogin = await request(`${d.url}login`, { method: 'POST', headers: { host, origin, ...form }, body: `token=${token}` });
    assert.equal(refusedLogin.status, 403, `login from ${origin}`);
  }
  assert.equal((await apiStatus(d.url, session)).watches[0].paused, false, 'the refused pauses did nothing');
  d.daemon.child.kill('SIGTERM');
});
