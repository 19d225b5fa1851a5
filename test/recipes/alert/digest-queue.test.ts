import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Digest, DigestQueue, type Finding } from '../../../recipes/alert/digest-queue.js';
import { waitFor } from '../../helpers/wait-for.js';

const finding = (path: string, what = 'CREATE'): Finding => ({ time: Date.now(), path, kind: 'event', what });

function queue(options: Partial<ConstructorParameters<typeof DigestQueue>[0]> = {}) {
  const digests: Digest[] = [];
  const q = new DigestQueue({ rule: 'r', windowMs: 30, maxPerHour: 10, remindMs: 0, ...options }, (d) => digests.push(d));
  return { q, digests };
}

test('findings within the window make one digest, grouped by path', async (t) => {
  const { q, digests } = queue();
  t.after(() => q.close());
  q.add(finding('/a'));
  q.add(finding('/b'));
  q.add(finding('/a', 'DELETE'));
  await waitFor(() => digests.length === 1, 'one digest');
  const d = digests[0]!;
  assert.equal(d.kind, 'alert');
  assert.equal(d.total, 3);
  assert.deepEqual(
    d.groups.map((g) => [g.path, g.count, g.findings.map((f) => f.what)]),
    [
      ['/a', 2, ['CREATE', 'DELETE']],
      ['/b', 1, ['CREATE']],
    ],
  );
});

test('past maxListed, findings are counted per path, not listed', async (t) => {
  const { q, digests } = queue({ maxListed: 5 });
  t.after(() => q.close());
  for (let i = 0; i < 12; i++) q.add(finding(i % 2 ? '/odd' : '/even'));
  await waitFor(() => digests.length === 1, 'one digest');
  const d = digests[0]!;
  assert.equal(d.total, 12);
  assert.equal(d.unlisted, 7);
  assert.equal(
    d.groups.reduce((n, g) => n + g.count, 0),
    12,
  );
  assert.equal(
    d.groups.reduce((n, g) => n + g.findings.length, 0),
    5,
  );
});

test('past maxPaths, findings in further paths are only counted', async (t) => {
  const { q, digests } = queue({ maxPaths: 3 });
  t.after(() => q.close());
  for (let i = 0; i < 10; i++) q.add(finding(`/p${i}`));
  q.add(finding('/p0'));
  await waitFor(() => digests.length === 1, 'one digest');
  const d = digests[0]!;
  assert.deepEqual(
    d.groups.map((g) => [g.path, g.count]),
    [
      ['/p0', 2],
      ['/p1', 1],
      ['/p2', 1],
    ],
  );
  assert.equal(d.otherPaths, 7);
  assert.equal(d.total, 11);
});

test('the hourly limit holds mails back and folds their findings into the next one', async (t) => {
  const { q, digests } = queue({ maxPerHour: 1, periodMs: 400 });
  t.after(() => q.close());
  q.add(finding('/first'));
  await waitFor(() => digests.length === 1, 'first digest');
  const firstAt = Date.now();
  q.add(finding('/second'));
  q.add(finding('/third'));
  await waitFor(() => digests.length === 2, 'second digest', 5000);
  assert.ok(Date.now() - firstAt >= 300, 'the second digest waited for the period to free a slot');
  const d = digests[1]!;
  assert.equal(d.heldBack, 1);
  assert.deepEqual(
    d.groups.map((g) => g.path),
    ['/second', '/third'],
  );
});

test('a condition is mailed when it starts, reminded while it lasts, and recovered once', async (t) => {
  const { q, digests } = queue({ remindMs: 60 });
  t.after(() => q.close());
  const big = (what: string): Finding => ({ time: Date.now(), path: '/log', kind: 'size', what });
  q.raise('size:/log', big('size above 1 KiB'));
  q.raise('size:/log', big('size above 1 KiB')); // still above: not news
  await waitFor(() => digests.length === 1, 'alert');
  assert.equal(digests[0]!.total, 1);
  assert.equal(digests[0]!.active.length, 1);
  await waitFor(() => digests.length === 2, 'reminder');
  assert.equal(digests[1]!.kind, 'reminder');
  assert.equal(digests[1]!.total, 0);
  assert.deepEqual(
    digests[1]!.active.map((c) => c.path),
    ['/log'],
  );
  q.clear('size:/log', big('size back below 1 KiB'));
  q.clear('size:/log', big('size back below 1 KiB'));
  await waitFor(() => digests.some((d) => d.kind === 'recovered'), 'recovered');
  const recovered = digests.find((d) => d.kind === 'recovered')!;
  assert.equal(recovered.total, 1);
  assert.equal(recovered.active.length, 0);
});

test('flushNow sends what is pending at once, whatever the limit', (t) => {
  const { q, digests } = queue({ windowMs: 60_000, maxPerHour: 1 });
  t.after(() => q.close());
  q.add(finding('/x'));
  q.flushNow();
  q.add(finding('/y'));
  q.flushNow();
  assert.deepEqual(
    digests.map((d) => d.groups[0]!.path),
    ['/x', '/y'],
  );
});
