// A failure after subscribe (here: a new directory the user may not read, so it cannot be watched)
// reaches the callback as its first argument, parcel's way, and the subscription goes on. Run as a
// real unprivileged user: root reads every directory.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { noTestUser, spawnAsTestUser, testUserDir } from '../../helpers/test-user.js';

const FACADE = new URL('../../../facades/parcel/index.js', import.meta.url).href;

test('an error after subscribe is fn(err, []); the events around it still come', { skip: noTestUser(), timeout: 30_000 }, async () => {
  const dir = testUserDir();
  const script = `
    import { mkdirSync, writeFileSync } from 'node:fs';
    import { join } from 'node:path';
    const { subscribe } = await import(${JSON.stringify(FACADE)});
    const dir = ${JSON.stringify(dir)};
    const sub = await subscribe(dir, (err, events) => {
      console.log(JSON.stringify(err ? { err: err.message, code: err.code, events } : { events }));
      if (err) writeFileSync(join(dir, 'after'), ''); // reported after the error: the subscription goes on
      if (events.some((e) => e.path.endsWith('/after'))) sub.unsubscribe();
    });
    mkdirSync(join(dir, 'locked'), { mode: 0 });
  `;
  const run = spawnAsTestUser(process.execPath, ['--input-type=module', '-e', script]);
  assert.equal(await run.exited, 0, run.stderr);
  const lines = run.lines().map((l) => JSON.parse(l) as { err?: string; code?: string; events: unknown[] });
  const failure = lines.find((l) => l.err !== undefined);
  assert.ok(failure, run.stdout);
  assert.equal(failure.code, 'EACCES');
  assert.match(failure.err!, /locked/);
  assert.deepEqual(failure.events, []);
  // The error comes while its batch is open: 'after' may land in that batch or the next.
  const events = lines.flatMap((l) => l.events as Array<{ path: string }>).sort((a, b) => (a.path < b.path ? -1 : 1));
  assert.deepEqual(events, [
    { type: 'create', path: join(dir, 'after') },
    { type: 'create', path: join(dir, 'locked') },
  ]);
  assert.equal(run.stderr, '', 'no stack trace printed');
});

test('a directory below that cannot be watched at subscribe is fn(err, []) too; the rest is watched', {
  skip: noTestUser(),
  timeout: 30_000,
}, async () => {
  const dir = testUserDir();
  const script = `
    import { mkdirSync, writeFileSync } from 'node:fs';
    import { join } from 'node:path';
    const { subscribe } = await import(${JSON.stringify(FACADE)});
    const dir = ${JSON.stringify(dir)};
    mkdirSync(join(dir, 'open'));
    mkdirSync(join(dir, 'locked'), { mode: 0 });
    const sub = await subscribe(dir, (err, events) => {
      console.log(JSON.stringify(err ? { err: err.message, code: err.code, events } : { events }));
      if (err) writeFileSync(join(dir, 'open', 'f'), '');
      else sub.unsubscribe();
    });
  `;
  const run = spawnAsTestUser(process.execPath, ['--input-type=module', '-e', script]);
  assert.equal(await run.exited, 0, run.stderr);
  const lines = run.lines().map((l) => JSON.parse(l) as { err?: string; code?: string; events: unknown[] });
  assert.equal(lines.length, 2, run.stdout);
  assert.equal(lines[0]!.code, 'EACCES');
  assert.match(lines[0]!.err!, /locked': permission denied/);
  assert.deepEqual(lines[1]!.events, [{ type: 'create', path: join(dir, 'open', 'f') }]);
});
