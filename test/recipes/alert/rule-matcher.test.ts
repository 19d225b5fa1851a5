import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveAlertOptions, type AlertRule } from '../../../recipes/alert/alert-options.js';
import { RuleMatcher } from '../../../recipes/alert/rule-matcher.js';
import { Event, IN_CREATE } from '../../../src/index.js';

/** A remote matcher (rules over a fleet stream) for one rule. */
function remote(rule: AlertRule): RuleMatcher {
  const options = resolveAlertOptions({ rules: [rule], mail: { to: ['ops@example.com'] }, stream: 'nats://127.0.0.1:4222/fleet' }, 'box');
  return new RuleMatcher(options.rules[0]!, [], true);
}

const at = (pathname: string, host = 'alpha'): Event => {
  const slash = pathname.lastIndexOf('/');
  return new Event({ wd: 1, mask: IN_CREATE, path: pathname.slice(0, slash) || '/', name: pathname.slice(slash + 1), host });
};

test('remote paths: matched by prefix without looking at this machine (they need not exist here)', () => {
  const flat = remote({ paths: ['/no/such/dir/etc/'] });
  assert.equal(flat.targets[0]!.path, '/no/such/dir/etc');
  assert.ok(flat.matches(at('/no/such/dir/etc/passwd')), 'a direct child');
  assert.ok(!flat.matches(at('/no/such/dir/etc/ssh/sshd_config')), 'not recursive: direct children only');
  assert.ok(!flat.matches(at('/no/such/dir/etcetera')), 'a prefix of the name is not a parent');
  const deep = remote({ paths: ['/no/such/dir/etc'], recursive: true });
  assert.ok(deep.matches(at('/no/such/dir/etc/ssh/sshd_config')));
  const file = remote({ paths: ['/srv/app.conf'] });
  assert.ok(file.matches(new Event({ wd: 1, mask: IN_CREATE, path: '/srv/app.conf', host: 'a' })), "a file's own events");
  const root = remote({ paths: ['/'], recursive: true });
  assert.ok(root.matches(at('/var/lib/x')), '/ recursive: everything');
});

test('remote paths: glob / ignore as for local rules (absolute, relative to the rule path, or the name)', () => {
  const m = remote({ paths: ['/srv'], recursive: true, glob: ['*.conf', 'www/**'], ignore: ['skip-*', '/srv/www/cache/**'] });
  assert.ok(m.matches(at('/srv/app.conf')));
  assert.ok(m.matches(at('/srv/www/index.html')));
  assert.ok(!m.matches(at('/srv/notes.txt')));
  assert.ok(!m.matches(at('/srv/skip-me.conf')));
  assert.ok(!m.matches(at('/srv/www/cache/x.html')));
});

test('hosts: picomatch globs on the host an event comes from', () => {
  const m = remote({ paths: ['/etc'], hosts: ['web*', 'db1'] });
  assert.ok(m.matches(at('/etc/passwd', 'web3')));
  assert.ok(m.matches(at('/etc/passwd', 'db1')));
  assert.ok(!m.matches(at('/etc/passwd', 'db2')));
  assert.ok(m.fromHost('web-eu'));
});

test('with a stream: checks, relative paths and a bad durable name are errors naming the option; hosts without one too', () => {
  const stream = 'nats://127.0.0.1:4222/fleet';
  const mail = { to: ['ops@example.com'] };
  const rejects = (options: Parameters<typeof resolveAlertOptions>[0], message: RegExp, hint: RegExp) =>
    assert.throws(
      () => resolveAlertOptions(options, 'box'),
      (err: Error & { hint?: string }) => message.test(err.message) && hint.test(err.hint ?? ''),
    );
  rejects(
    { rules: [{ paths: ['/etc'], checks: { checksum: true } }], mail, stream },
    /rules\[0\]\.checks\.checksum: .*on the watched hosts/,
    /watched host itself/,
  );
  rejects({ rules: [{ paths: ['/var/log/app.log'], checks: { match: 'ERROR' } }], mail, stream }, /checks\.match/, /watched host itself/);
  rejects({ rules: [{ paths: ['etc'] }], mail, stream }, /rules\[0\]\.paths: "etc"/, /absolute paths as they are on the watched hosts/);
  rejects({ rules: [{ paths: ['/etc'] }], mail, stream, durable: 'a.b' }, /durable: "a\.b"/, /letters, digits/);
  rejects({ rules: [{ paths: ['/etc'] }], mail, stream, since: 'yesterday' }, /since: "yesterday"/, /ISO time/);
  rejects({ rules: [{ paths: ['/etc'], hosts: ['web*'] }], mail }, /rules\[0\]\.hosts/, /give `stream` too/);
  rejects({ rules: [{ paths: ['/etc'] }], mail, durable: 'x' }, /durable/, /give `stream` too/);
});

test('with a stream: a durable consumer by default, named after this host and the rules; no host report', () => {
  const options = (names: string[], host = 'box.example.com') =>
    resolveAlertOptions(
      { rules: names.map((name) => ({ name, paths: ['/etc'] })), mail: { to: ['ops@example.com'] }, stream: 'redis://r/fleet' },
      host,
    );
  const durable = options(['etc']).stream!.durable!;
  assert.match(durable, /^tswatch-alert-box_example_com-[0-9a-f]{8}$/);
  assert.equal(options(['etc']).stream!.durable, durable, 'the same on every start');
  assert.notEqual(options(['etc', 'www']).stream!.durable, durable, 'other rules, another consumer');
  assert.notEqual(options(['etc'], 'other').stream!.durable, durable, 'another alerting host, another consumer');
  assert.equal(options(['etc']).hostReport, false);
  const dry = resolveAlertOptions(
    { rules: [{ name: 'etc', paths: ['/etc'] }], mail: { to: [] }, stream: 'redis://r/fleet', dryRun: true },
    'box.example.com',
  );
  assert.equal(dry.stream!.durable, undefined, "a dry run does not take events from the real alert's consumer");
  const none = resolveAlertOptions(
    { rules: [{ paths: ['/etc'] }], mail: { to: ['a@b'] }, stream: { url: 'nats://n/x' }, durable: false, hostReport: true },
    'box',
  );
  assert.equal(none.stream!.durable, undefined);
  assert.equal(none.hostReport, true, 'asked for');
});
