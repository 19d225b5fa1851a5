import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Digest, Finding } from '../../../recipes/alert/digest-queue.js';
import { MailTemplates, mailView } from '../../../recipes/alert/mail-templates.js';
import { tmpDir } from '../../helpers/tmp-dir.js';

const now = Date.now();
const f = (path: string, what: string, detail?: string): Finding => ({
  time: now,
  path,
  kind: 'event',
  what,
  ...(detail ? { detail } : {}),
});
function digest(over: Partial<Digest> = {}): Digest {
  return {
    rule: 'web',
    kind: 'alert',
    from: now,
    until: now,
    total: 0,
    unlisted: 0,
    otherPaths: 0,
    groups: [],
    heldBack: 0,
    active: [],
    hosts: [],
    ...over,
  };
}
const render = (d: Digest, dir?: string) => new MailTemplates(dir).render(mailView('[tswatch]', 'box', d, undefined));

test('subjects say what kind of mail it is', () => {
  const groups = [{ path: '/a', count: 2, findings: [f('/a', 'CREATE'), f('/a', 'DELETE')] }];
  assert.equal(render(digest({ total: 2, groups })).subject, '[tswatch] web on box: 2 events in 1 path');
  assert.equal(
    render(digest({ total: 2, groups, heldBack: 3 })).subject,
    '[tswatch] web on box: 2 events in 1 path (still happening: 3 mails held back)',
  );
  const active = [{ path: '/log', what: 'size above 1 KiB', since: now }];
  assert.equal(render(digest({ kind: 'reminder', active })).subject, '[tswatch] web on box: still happening (1 condition)');
  assert.equal(render(digest({ kind: 'recovered', total: 1 })).subject, '[tswatch] web on box: recovered');
});

test('a digest from a fleet stream names its hosts (the first three, then a count), not the sending machine', () => {
  const groups = [{ path: 'alpha:/etc/a', count: 1, findings: [{ ...f('alpha:/etc/a', 'CREATE'), host: 'alpha' }] }];
  const two = render(digest({ total: 1, groups, hosts: ['alpha', 'beta'] }));
  assert.equal(two.subject, '[tswatch] web on alpha, beta: 1 event in 1 path');
  assert.match(two.text, /^1 event on alpha, beta \(rule web\)/);
  assert.match(two.text, /^alpha:\/etc\/a \(1\)$/m);
  assert.match(two.html, /1 event on alpha, beta<\/h2>/);
  assert.ok(!two.text.includes('box'));
  const five = render(digest({ total: 1, groups, hosts: ['a', 'b', 'c', 'd', 'e'] }));
  assert.equal(five.subject, '[tswatch] web on a, b, c and 2 more: 1 event in 1 path');
});

test('hostile file names are text in the text part and escaped in the HTML part', () => {
  const evil = '/srv/<script>alert(1)</script>;$(rm -rf ~)\nSubject: injected';
  const mail = render(digest({ total: 1, groups: [{ path: evil, count: 1, findings: [f(evil, 'CREATE', '<b>')] }] }));
  assert.ok(mail.text.includes(evil));
  assert.ok(!mail.html.includes('<script>'));
  assert.ok(mail.html.includes('&lt;script&gt;alert(1)&lt;/script&gt;;$(rm -rf ~)'));
  assert.ok(mail.html.includes('<code>&lt;b&gt;</code>'));
  assert.ok(!mail.subject.includes('injected'));
});

test('unlisted findings and other paths are counted', () => {
  const mail = render(
    digest({ total: 10, unlisted: 8, otherPaths: 5, groups: [{ path: '/a', count: 5, findings: [f('/a', 'CREATE'), f('/a', 'CREATE')] }] }),
  );
  assert.match(mail.text, /\/a \(5\)\n(.*CREATE\n){2} {2}\.\.\. and 3 more\n/);
  assert.match(mail.text, /\.\.\. and 5 more events in other paths/);
});

test('a custom template that fails while rendering falls back to the built-in one, saying so', () => {
  const dir = tmpDir();
  writeFileSync(join(dir, 'text.eta'), '<%= it.digest.nothing.here %>');
  const mail = render(digest({ total: 1, groups: [{ path: '/a', count: 1, findings: [f('/a', 'CREATE')] }] }), dir);
  assert.match(mail.text, /^tswatch: the custom template failed \(.*\); the built-in one was used\.\n\n1 event on box/);
});

test('a syntax error in a custom template is named at start', () => {
  const dir = tmpDir();
  writeFileSync(join(dir, 'html.eta'), '<% if (it.digest { %>');
  assert.throws(
    () => new MailTemplates(dir),
    (err: Error & { hint?: string }) => err.message.includes(join(dir, 'html.eta')) && /eta/.test(err.hint ?? ''),
  );
  assert.throws(() => new MailTemplates(join(dir, 'missing')), /template directory .* does not exist/);
});

test('a broken subject.eta: the built-in subject, a note in both bodies, and one warning however many mails', () => {
  const dir = tmpDir();
  writeFileSync(join(dir, 'subject.eta'), '<%= it.digest.nothing.here %>');
  const warnings: string[] = [];
  const templates = new MailTemplates(dir, (m) => warnings.push(m));
  const d = digest({ total: 1, groups: [{ path: '/a', count: 1, findings: [f('/a', 'CREATE')] }] });
  const mail = templates.render(mailView('[tswatch]', 'box', d, undefined));
  templates.render(mailView('[tswatch]', 'box', d, undefined));
  assert.equal(mail.subject, '[tswatch] web on box: 1 event in 1 path');
  assert.match(mail.text, /^tswatch: the custom template failed \(subject\.eta: .*\); the built-in one was used\.\n\n/);
  assert.match(mail.html, /<body[^>]*><p>tswatch: the custom template failed \(subject\.eta: /);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /subject\.eta.*the built-in subject template was used: fix .*subject\.eta/);
});
