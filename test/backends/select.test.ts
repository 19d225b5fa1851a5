import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fanotifyProblem } from '../../src/backends/fanotify-support.js';
import { selectBackend, TswatchError, WatchManager } from '../../src/index.js';
import { tmpDir } from '../helpers/tmp-dir.js';

test('backends by name; an unknown name lists the valid ones', () => {
  const names = ['inotify', 'parcel', 'poll', 'auto', ...(fanotifyProblem() === undefined ? (['fanotify'] as const) : [])] as const;
  for (const name of names) {
    const backend = selectBackend(name);
    assert.equal(backend.name, name);
    backend.close();
  }
  assert.throws(
    () => selectBackend('kqueue'),
    (err: unknown) =>
      err instanceof TswatchError && err.code === 'EBADBACKEND' && /inotify, fanotify, parcel, poll, auto/.test(err.hint ?? ''),
  );
});

test('WatchManager takes the fanotify backend by name', { skip: fanotifyProblem()?.reason }, () => {
  const wm = new WatchManager({ backend: 'fanotify' });
  assert.equal(wm.backend.name, 'fanotify');
  assert.ok(wm.addWatch(tmpDir(), 0xfff, { quiet: false }));
  wm.close();
});

test('WatchManager takes a backend name and a poll interval', () => {
  const wm = new WatchManager({ backend: 'poll', pollInterval: 250 });
  assert.equal(wm.backend.name, 'poll');
  assert.equal((wm.backend as unknown as { interval: number }).interval, 250);
  wm.close();
  assert.throws(() => new WatchManager({ backend: 'poll', pollInterval: -1 }), /poll interval -1 is not a positive number/);
});

/** Run `code` (an ES module body) in a fresh node with `env`; its stderr. */
function node(code: string, env: NodeJS.ProcessEnv): { stderr: string; stdout: string } {
  const url = new URL('../../src/index.js', import.meta.url).href;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `import * as t from '${url}';\n${code}`], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return { stderr: r.stderr, stdout: r.stdout };
}

test('TSWATCH_BACKEND and TSWATCH_POLL_INTERVAL choose; a bad value is a clear error', () => {
  assert.equal(node('console.log(new t.WatchManager().backend.name)', { TSWATCH_BACKEND: 'poll' }).stdout.trim(), 'poll');
  const bad = node('try { new t.WatchManager() } catch (e) { console.log(e.message + " | " + e.hint) }', {
    TSWATCH_BACKEND: 'poll',
    TSWATCH_POLL_INTERVAL: 'soon',
  });
  assert.match(bad.stdout, /TSWATCH_POLL_INTERVAL='soon' is not a positive number.*\| set it to/);
});

test('events a backend cannot deliver: one warning naming them, however many watches ask', () => {
  const dir = tmpDir();
  const code = `const wm = new t.WatchManager({ backend: 'poll' });
for (let i = 0; i < 3; i++) wm.addWatch(${JSON.stringify(dir)}, t.IN_CREATE | t.IN_OPEN | t.IN_MOVED_TO);
wm.addWatch(${JSON.stringify(dir)}, t.IN_CREATE);
wm.close();`;
  const { stderr } = node(code, {});
  const warnings = stderr.split('\n').filter((l) => l.includes('TswatchWarning'));
  assert.equal(warnings.length, 1, stderr);
  assert.match(warnings[0]!, /the poll backend cannot deliver IN_OPEN, IN_MOVED_TO \(asked for on '.*'\)/);
});
