/** `sinks:`, `host:`, `outbox:` and a watch's `publish:` in the config file. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../daemon/config-loader.js';
import { configProblems as problems, writeConfig as write } from '../helpers/config-file.js';

test('sinks as URLs or objects, host and outbox: FleetOptions with files resolved against the config; publish: false and watches without an action', () => {
  const file = write(`sinks:
  - file:///var/log/tswatch/events.jsonl
  - url: nats://broker:4222/fleet.files
    stream: FILES
    credsFile: secrets/agent.creds
    tls: { ca: ca.pem, cert: /etc/tls/c.pem, key: k.pem, rejectUnauthorized: true }
  - url: redis://cache:6379/events
    passwordFile: redis.pass
    maxLen: 1000
  - { url: file:///srv/e.csv, rotateBytes: 1M, keep: 3 }
host: web-01
outbox: { dir: state/outbox, maxBytes: 100M, fsync: always }
watches:
  - name: etc
    paths: /etc
    recursive: true
  - name: build
    paths: src
    exec: [make]
    publish: false
`);
  const dir = join(file, '..');
  const config = loadConfig(file);
  assert.deepEqual(config.fleet, {
    sinks: [
      { url: 'file:///var/log/tswatch/events.jsonl' },
      {
        url: 'nats://broker:4222/fleet.files',
        stream: 'FILES',
        credsFile: join(dir, 'secrets/agent.creds'),
        tls: { ca: join(dir, 'ca.pem'), cert: '/etc/tls/c.pem', key: join(dir, 'k.pem'), rejectUnauthorized: true },
      },
      { url: 'redis://cache:6379/events', maxLen: 1000, passwordFile: join(dir, 'redis.pass') },
      { url: 'file:///srv/e.csv', rotateBytes: 1024 ** 2, keep: 3 },
    ],
    host: 'web-01',
    outbox: { dir: join(dir, 'state/outbox'), maxBytes: 100 * 1024 ** 2, fsync: 'always' },
  });
  const [etc, build] = config.watches;
  assert.deepEqual(etc!.action, { recipe: 'publish', options: {} }, 'no action: it only publishes');
  assert.equal(etc!.publish, undefined);
  assert.equal(build!.publish, false);
  assert.equal(loadConfig(write('watches:\n  - paths: [a]\n    exec: [x]\n')).fleet, undefined, 'no sinks: no fleet');
});

test('bad sinks entries: unknown scheme, missing url, unknown key, bad sizes, a relative file URL — each at its line and key', () => {
  const file = write(`sinks:
  - kafka://broker/topic
  - { stream: X }
  - url: nats://b:4222/s
    tsl: { ca: ca.pem }
  - url: file:events.jsonl
  - url: file:///e.jsonl
    rotateBytes: big
  - 42
host: '  '
outbox:
  maxBytes: 12 parsecs
  fsync: sometimes
watches:
  - paths: [a]
`);
  assert.deepEqual(problems(file), [
    "2:5: sinks[0].url: 'kafka://broker/topic': unknown scheme 'kafka:' (give one of nats://HOST:4222/SUBJECT, redis://HOST:6379/STREAM, mqtt://HOST:1883/TOPIC, http(s)://HOST/PATH, file:///PATH.jsonl or file:///PATH.csv)",
    '3:5: sinks[1].url: required: the sink URL',
    "5:5: sinks[2].tsl: unknown key 'tsl'",
    "6:5: sinks[3].url: 'file:events.jsonl' is not an absolute file URL (give file:///ABSOLUTE/PATH.jsonl: three slashes, a relative path has no URL form)",
    '8:5: sinks[4].rotateBytes: "big" is not valid (give rotateBytes a size in bytes or with a unit: 500000, 512k, 10M, 1G)',
    '9:5: sinks[5]: a sink URL (nats://HOST:4222/SUBJECT, file:///PATH.jsonl, …) or { url: URL, … }',
    "10:1: host: '  ' is empty (give the name this machine goes by in the fleet, or leave host out for os.hostname())",
    '12:3: outbox.maxBytes: "12 parsecs" is not valid (give maxBytes a size in bytes or with a unit: 500000, 512k, 10M, 1G)',
    '13:3: outbox.fsync: Invalid option: expected one of "always"|"interval"|"never"',
  ]);
});

test('publishing needs sinks: no action, publish: true, host and outbox without sinks; publish: false with nothing else to do', () => {
  const none = write(`host: h
outbox: { dir: o }
watches:
  - paths: [a]
  - paths: [b]
    exec: [x]
    publish: true
  - recipe: backup
    options: { src: docs, dest: /srv/b }
`);
  assert.deepEqual(problems(none), [
    "1:1: host: 'host' applies to sinks only: add 'sinks:' (a list of URLs), or remove 'host'",
    "2:1: outbox: 'outbox' applies to sinks only: add 'sinks:' (a list of URLs), or remove 'outbox'",
    '4:5: watches[0]: no action: give one of exec, restart, handler, recipe',
    "7:5: watches[1].publish: there are no sinks to publish to: add top-level 'sinks:'",
  ]);
  const some = write(`sinks: [file:///e.jsonl]
watches:
  - paths: [a]
    publish: false
  - recipe: backup
    options: { src: docs, dest: /srv/b }
    publish: true
  - paths: [c]
    batch: true
`);
  assert.deepEqual(problems(some), [
    "4:5: watches[0].publish: a watch without an action only publishes: give one of exec, restart, handler, recipe, or remove 'publish: false'",
    "7:5: watches[1].publish: recipe 'backup' watches by itself: its events do not pass through the watch, so there is nothing to publish",
    "9:5: watches[2].batch: 'batch' applies to exec only, not a watch without an action",
  ]);
  assert.deepEqual(problems(write('sinks: []\nwatches:\n  - paths: [a]\n    exec: [x]\n')), [
    '1:1: sinks: at least one sink (or leave sinks out)',
  ]);
});
