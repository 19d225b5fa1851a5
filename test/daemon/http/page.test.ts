/** The status page in a real headless Chromium (Debian's), against a real daemon. */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../helpers/chromium.js';
import { apiStatus, startWebDaemon } from '../../helpers/web-daemon.js';

/** Screenshots outlive the test's temporary directories: look at them after a run. */
const ARTIFACTS = process.env.TSWATCH_ARTIFACTS ?? join(tmpdir(), 'tswatch-artifacts');

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(() => browser?.close());

test('the page: a touched file appears in the live tail, the glob filter applies, Pause pauses', async (t) => {
  const d = await startWebDaemon();
  const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
  page.setDefaultTimeout(10_000);
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(err.message));
  page.on('console', (msg) => msg.type() === 'error' && problems.push(msg.text()));
  await page.goto(d.url);
  const row = page.locator('#watches tr[data-name="w"]');
  await row.locator('td', { hasText: 'inotify' }).waitFor();
  assert.ok((await row.textContent())!.includes(d.watched));

  writeFileSync(join(d.watched, 'hello.txt'), '');
  const hostile = '<img src=x onerror="window.pwned=1">.txt';
  writeFileSync(join(d.watched, hostile), '');
  await page.locator('#tail tr', { hasText: 'hello.txt' }).waitFor();
  await page.locator('#tail tr', { hasText: hostile }).waitFor(); // shown as text, not markup
  assert.equal(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined);
  await row.locator('td', { hasText: hostile }).waitFor(); // the last-event cell, refreshed live
  await row.locator('svg.chart polygon').waitFor({ state: 'attached' });
  await row.locator('td', { hasText: 'runs: 2' }).waitFor(); // what the exec action's status() reports

  await page.fill('input[name=glob]', '*.log');
  await page.click('#filter button');
  await page.locator('#tail tr').first().waitFor({ state: 'detached' });
  writeFileSync(join(d.watched, 'skipped.txt'), '');
  writeFileSync(join(d.watched, 'kept.log'), '');
  await page.locator('#tail tr', { hasText: 'kept.log' }).waitFor();
  assert.deepEqual(
    await page.locator('#tail tr td.path').allTextContents(),
    [join(d.watched, 'kept.log')],
    'skipped.txt came first, and was filtered out',
  );

  await row.locator('button.pause').click();
  await row.locator('.state.paused').waitFor();
  await row.locator('button.resume').waitFor();
  assert.equal((await apiStatus(d.url)).watches[0].paused, true);
  writeFileSync(join(d.watched, 'while-paused.log'), '');
  await page.locator('#tail tr.ignored', { hasText: 'while-paused.log' }).waitFor();
  assert.match((await page.locator('#note').textContent())!, /paused 'w'/);
  await row.locator('td:nth-child(10)', { hasText: /^1$/ }).waitFor(); // the Ignored count, refreshed live

  mkdirSync(ARTIFACTS, { recursive: true });
  const shot = join(ARTIFACTS, 'status-page.png');
  await page.screenshot({ path: shot, fullPage: true });
  t.diagnostic(`screenshot: ${shot}`);
  assert.deepEqual(problems, [], 'no script errors (the CSP allows our own script)');
  await page.close();
});

test('with JavaScript off: the status table and recent events are in the HTML, and the buttons work as forms', async () => {
  const d = await startWebDaemon();
  writeFileSync(join(d.watched, 'server-rendered.txt'), '');
  const context = await browser.newContext({ javaScriptEnabled: false });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  await page.goto(d.url);
  const row = page.locator('#watches tr[data-name="w"]');
  await page.locator('#tail tr', { hasText: 'server-rendered.txt' }).waitFor();
  await row.locator('button.pause').click();
  await row.locator('.state.paused').waitFor();
  assert.match((await page.locator('#note').textContent())!, /paused 'w'/);
  assert.equal((await apiStatus(d.url)).watches[0].paused, true);
  await context.close();
});

test('with a token: the page asks for it once, then a cookie keeps the session', async () => {
  const { tmpDir } = await import('../../helpers/tmp-dir.js');
  const tokenFile = join(tmpDir(), 'token');
  writeFileSync(tokenFile, 'page-test-token-0123456789abcdef', { mode: 0o600 });
  const d = await startWebDaemon(['--http-token-file', tokenFile]);
  const context = await browser.newContext();
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const first = await page.goto(d.url);
  assert.equal(first!.status(), 401);
  await page.fill('input[name=token]', 'wrong');
  await page.click('#login');
  await page.locator('text=Wrong token.').waitFor();
  await page.fill('input[name=token]', 'page-test-token-0123456789abcdef');
  await page.click('#login');
  await page.locator('#watches tr[data-name="w"]').waitFor();
  const [cookie] = await context.cookies();
  assert.deepEqual([cookie!.name, cookie!.httpOnly, cookie!.sameSite], ['tswatch_session', true, 'Strict']);
  writeFileSync(join(d.watched, 'after-login.txt'), '');
  await page.locator('#tail tr', { hasText: 'after-login.txt' }).waitFor(); // the stream is authorized by the cookie
  await page.locator('#watches tr[data-name="w"] button.pause').click();
  await page.locator('#watches tr[data-name="w"] .state.paused').waitFor();
  await context.close();
});
