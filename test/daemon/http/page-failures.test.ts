/**
 * The status page never hides a failure or a stale number, in a real headless Chromium against real
 * daemons: failed actions are said, a restarted daemon's new CSRF token is fetched, sinks and recipe
 * watches are live, failed watches are shown with their error.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../helpers/chromium.js';
import { freePort } from '../../helpers/smtp-sink.js';
import { spawnTswatch } from '../../helpers/spawn-cli.js';
import { tmpDir } from '../../helpers/tmp-dir.js';
import { apiStatus, startWebDaemon } from '../../helpers/web-daemon.js';
import { renderPage } from '../../../daemon/http/page.js';
import type { StatusView } from '../../../daemon/http/status-view.js';

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(() => browser?.close());

async function openPage(url: string) {
  const page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(url);
  await page.locator('#watches tr').first().waitFor();
  return page;
}

test('Reload with a broken config: the page says the error the API answered (409 {error})', { timeout: 60_000 }, async () => {
  const d = await startWebDaemon();
  try {
    const page = await openPage(d.url);
    writeFileSync(d.config, 'watches:\n  - name: w\n    paths: [watched]\n    exec: [true\n');
    await page.click('#reload');
    const note = page.locator('#note.error');
    await note.waitFor();
    assert.match(
      (await note.textContent())!,
      /^Reload config failed: reload failed, keeping the running configuration: .*tswatch\.yaml:5:1: YAML syntax/s,
    );
    await page.close();
  } finally {
    d.daemon.child.kill('SIGKILL');
  }
});

test('after a daemon restart, an open tab fetches the new CSRF token and its button works', { timeout: 60_000 }, async () => {
  const address = `127.0.0.1:${await freePort()}`;
  const d = await startWebDaemon(['--http', address]);
  try {
    const page = await openPage(d.url);
    d.daemon.child.kill('SIGTERM');
    await d.daemon.exited;
    const again = spawnTswatch(['daemon', '--config', d.config, '--socket', d.socket, '--http', address]);
    try {
      await again.waitStderr('Watches established.');
      await page.locator('#watches tr[data-name="w"] button.pause').click();
      await page.locator('#note', { hasText: "paused 'w'" }).waitFor();
      assert.equal(await page.locator('#note.error').count(), 0);
      assert.equal((await apiStatus(d.url)).watches[0].paused, true, 'the new daemon did pause');
    } finally {
      again.child.kill('SIGKILL');
    }
    await page.close();
  } finally {
    d.daemon.child.kill('SIGKILL');
  }
});

test('the sinks table is live: delivered counts move without reloading the page', { timeout: 60_000 }, async () => {
  const out = join(tmpDir(), 'events.jsonl');
  const d = await startWebDaemon([], `sinks:\n  - file://${out}\n`);
  try {
    const page = await openPage(d.url);
    const row = page.locator('#sinks tr', { hasText: out });
    await row.locator('td:nth-child(3)', { hasText: /^0$/ }).waitFor();
    for (const name of ['a', 'b', 'c']) writeFileSync(join(d.watched, name), '');
    await row.locator('td:nth-child(3)', { hasText: /^3$/ }).waitFor();
    assert.equal(readFileSync(out, 'utf8').trim().split('\n').length, 3);
    await page.close();
  } finally {
    d.daemon.child.kill('SIGKILL');
  }
});

test('a backup watch shows its own paths, kernel watches and events (page and /api/status)', { timeout: 60_000 }, async () => {
  const base = tmpDir();
  const src = join(base, 'src');
  mkdirSync(join(src, 'sub'), { recursive: true });
  const d = await startWebDaemon(
    [],
    `  - name: mirror\n    recipe: backup\n    options: { src: '${src}', dest: '${join(base, 'dest')}' }\n`,
  );
  try {
    const page = await openPage(d.url);
    const row = page.locator('#watches tr[data-name="mirror"]');
    await row.locator('td:nth-child(3)', { hasText: src }).waitFor();
    await row.locator('td:nth-child(5)', { hasText: /^2$/ }).waitFor(); // src and src/sub
    writeFileSync(join(src, 'one.txt'), '1');
    await row.locator('td:nth-child(7)', { hasText: /^[1-9]\d*$/ }).waitFor(); // its events, refreshed live
    const mirror = (await apiStatus(d.url)).watches.find((w: { name: string }) => w.name === 'mirror');
    assert.deepEqual(mirror.paths, [src]);
    assert.equal(mirror.watches, 2);
    assert.ok(mirror.events >= 2, `create and close_write of one.txt: ${mirror.events}`);
    await page.close();
  } finally {
    d.daemon.child.kill('SIGKILL');
  }
});

test('a watch in state failed is shown as failed, with its error, whatever fields it lacks', { timeout: 60_000 }, async () => {
  const failed = {
    name: 'broken',
    state: 'failed',
    error: "watch 'broken': cannot watch '/nonexistent': no such file or directory",
    paths: ['/nonexistent'],
  };
  const status = {
    pid: 1,
    startedAt: new Date().toISOString(),
    uptime: '1s',
    lastSeq: 0,
    historySize: 1000,
    csrf: 'x',
    watches: [{ ...failed, eventsPerSecond: 0, history: [0] }],
    sinks: [],
  } as unknown as StatusView;
  const html = renderPage(status, [], new URLSearchParams(), 'n0nce');
  const page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  await page.route('http://tswatch.test/**', (route) => route.fulfill({ contentType: 'text/html', body: html }));
  await page.goto('http://tswatch.test/');
  const row = page.locator('#watches tr[data-name="broken"]');
  await row.locator('.state.failed', { hasText: 'failed' }).waitFor();
  await row.locator('.error', { hasText: "cannot watch '/nonexistent'" }).waitFor();
  assert.equal(await row.locator('button').count(), 0, 'nothing to pause');
  assert.ok(!(await row.textContent())!.includes('undefined'));
  await page.close();
});
