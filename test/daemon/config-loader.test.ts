import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../daemon/config-loader.js';
import { Event, IN_CLOSE_WRITE, IN_CREATE, watchSpec } from '../../src/index.js';
import { configProblems as problems, writeConfig as write } from '../helpers/config-file.js';

test('a valid config: paths resolved against the file, actions mapped, defaults filled', () => {
  const file = write(`
pidfile: run/t.pid
drainTimeout: 2.5
watches:
  - name: build
    paths: src
    recursive: true
    events: [create, close_write]
    exclude: '/\\.git/'
    glob: ['*.ts']
    exec: [make, '{paths}']
    batch: true
    debounce: 250
    onBusy: restart
    signal: INT
    killAfter: 3
  - paths: [/abs]
    restart: node server.js
    startRetries: 5
  - paths: [in]
    handler: ./h.js
    options: { verbose: true }
`);
  const dir = join(file, '..');
  const config = loadConfig(file);
  assert.equal(config.pidfile, join(dir, 'run/t.pid'));
  assert.equal(config.drainTimeoutMs, 2500);
  const [build, second, third] = config.watches;
  assert.equal(build!.name, 'build');
  assert.deepEqual(build!.selection!.paths, [join(dir, 'src')]);
  const spec = watchSpec(build!.selection!);
  assert.equal(spec.mask, IN_CREATE | IN_CLOSE_WRITE);
  assert.equal(spec.options.rec, true);
  assert.equal(spec.accepts(new Event({ wd: 1, mask: IN_CREATE, path: join(dir, 'src'), name: 'a.ts' })), true);
  assert.equal(spec.accepts(new Event({ wd: 1, mask: IN_CREATE, path: join(dir, 'src'), name: 'a.js' })), false);
  assert.equal(spec.accepts(new Event({ wd: 1, mask: IN_CREATE, path: join(dir, 'src/.git'), name: 'x.ts' })), false);
  assert.deepEqual(build!.action, {
    recipe: 'exec',
    options: {
      command: ['make', '{paths}'],
      shell: false,
      signal: 'SIGINT',
      killAfterMs: 3000,
      debounceMs: 250,
      cwd: dir,
      batch: true,
      onBusy: 'restart',
      ignoreOwn: undefined,
    },
  });
  assert.equal(second!.name, 'watch2');
  assert.deepEqual(second!.action.options.command, ['node server.js']);
  assert.equal(second!.action.options.shell, true, 'a string command is a shell script');
  assert.equal(second!.action.options.startRetries, 5);
  assert.deepEqual(third!.action, { recipe: 'handler', options: { module: './h.js', options: { verbose: true } } });
});

test('every mistake is reported at once, with line, column and key, sorted by line', () => {
  const file = write(`watches:
  - name: build
    paths: [src]
    events: close_write,bogus
    exec: [make]
  - paths: src
    evnts: create
    restart: [node, s.js]
    onBusy: later
  - paths: [a]
    recipe: backupp
  - paths: [a]
    exclude: ['(']
    exec: ['x']
    signal: NOPE
  - paths: [a]
    exec: [x]
    restart: [y]
  - name: build
    paths: [b]
    exec: [true]
`);
  const found = problems(file);
  // (a misplaced option is only checked once the entry's keys are all valid: see the next test)
  assert.match(found[0]!, /^4:5: watches\[0\]\.events: unknown event name 'bogus' \(valid event names: access, .*\)$/);
  assert.equal(found[1], "7:5: watches[1].evnts: unknown key 'evnts'");
  assert.match(found[2]!, /^9:5: watches\[1\]\.onBusy: .*"queue"\|"drop"\|"restart"\|"signal"/);
  assert.equal(found[3], "11:5: watches[2].recipe: unknown recipe 'backupp' (known recipes: exec, restart, handler, backup, alert)");
  assert.match(found[4]!, /^13:5: watches\[3\]\.exclude: '\(' is not a POSIX extended regular expression/);
  assert.match(found[5]!, /^15:5: watches\[3\]\.signal: unknown signal 'NOPE'/);
  assert.equal(found[6], '18:5: watches[4].restart: one action per watch, not exec and restart');
  assert.match(found[7]!, /^21:5: watches\[5\]\.exec: a list of argv words .*quote words YAML would read as booleans/);
  assert.equal(found.length, 8, found.join('\n'));
});

test('an option given to the wrong action is named', () => {
  const file = write(`watches:\n  - paths: [a]\n    restart: [node, s.js]\n    onBusy: drop\n`);
  assert.deepEqual(problems(file), ["4:5: watches[0].onBusy: 'onBusy' applies to exec only, not restart"]);
});

test('duplicate names, YAML syntax errors and a missing file are named too', () => {
  const dup = write(`watches:\n  - name: x\n    paths: [a]\n    exec: [a]\n  - name: x\n    paths: [b]\n    exec: [b]\n`);
  assert.deepEqual(problems(dup), ["5:5: watches[1].name: the name 'x' is already used by watches[0]"]);
  const syntax = write('watches:\n  - paths: [a\n  - b: c\n');
  assert.match(problems(syntax)[0]!, /^3:3: YAML syntax: /);
  assert.throws(() => loadConfig('/nonexistent/tswatch.yaml'), /cannot read config file '\/nonexistent\/tswatch.yaml': no such file/);
  assert.deepEqual(problems(write('watches: []\n')), ['1:1: watches: at least one watch']);
});

test('recipe: backup / alert — their options are checked at load, each mistake at its key; they take no paths', () => {
  const file = write(`watches:
  - name: mirror
    recipe: backup
    options:
      src: docs
      dest: /srv/backup
      versions: -1
      exclude: ['*.tmp']
      bogus: 1
  - name: mail
    recipe: alert
    options:
      rules:
        - paths: etc
          glob: '*.conf'
          include: ['*.conf']
      mail: { to: ops@example.com }
      maxPerHour: 0
      smtp: { url: 'http://x', security: tls2 }
  - recipe: exec
    options: {}
  - paths: [x]
    recipe: backup
    options: { src: a, dest: b }
`);
  const found = problems(file);
  assert.match(found[0]!, /^7:7: watches\[0\]\.options\.versions: .*>=0/);
  assert.equal(found[1], "9:7: watches[0].options.bogus: unknown key 'bogus'");
  assert.equal(found[2], "16:11: watches[1].options.rules[0].include: unknown key 'include'");
  assert.match(found[3]!, /^18:7: watches\[1\]\.options\.maxPerHour: /);
  assert.match(found[4]!, /^19:15: watches\[1\]\.options\.smtp\.url: an smtp:\/\/ or smtps:\/\/ URL/);
  assert.match(found[5]!, /^19:32: watches\[1\]\.options\.smtp\.security: .*"starttls"/);
  assert.equal(found[6], "20:5: watches[2].paths: required: the files or directories to watch (or 'stream': a fleet stream)");
  assert.equal(found[7], "22:5: watches[3].paths: recipe 'backup' watches what its options name: remove 'paths'");
  assert.equal(found.length, 8, found.join('\n'));

  const good = loadConfig(write('watches:\n  - recipe: backup\n    options: { src: a, dest: b, exclude: x }\n'));
  assert.equal(good.watches[0]!.selection, undefined, 'the recipe watches by itself');
  assert.deepEqual(good.watches[0]!.action, { recipe: 'backup', options: { src: 'a', dest: 'b', exclude: ['x'] } });
});

test('stream: a fleet stream instead of paths; its keys checked, paths kept as remote prefixes, files resolved', () => {
  const file = write(`
watches:
  - name: deploy
    stream: { url: 'nats://broker:4222/fleet.files', credsFile: nats.creds, tls: { ca: ca.pem } }
    hosts: 'web*'
    durable: deployer
    since: 2h
    paths: /srv/www
    glob: '*.html'
    exec: [sync, '{host}', '{path}']
  - name: all
    stream: redis://broker/fleet
    exec: [log, '{path}']
`);
  const [deploy, all] = loadConfig(file).watches;
  const dir = join(file, '..');
  assert.deepEqual(deploy!.stream, {
    sink: {
      url: 'nats://broker:4222/fleet.files',
      credsFile: join(dir, 'nats.creds'),
      tls: { ca: join(dir, 'ca.pem'), cert: undefined, key: undefined },
    },
    hosts: ['web*'],
    durable: 'deployer',
    since: '2h',
  });
  assert.deepEqual(deploy!.selection?.paths, ['/srv/www']);
  assert.deepEqual(deploy!.selection?.glob, ['*.html']);
  assert.deepEqual(all!.selection?.paths, ['/']);
  assert.deepEqual(all!.selection?.events, ['close_write,moved_to,moved_from,delete']);

  const bad = write(`
watches:
  - stream: http://broker/x
    exec: [a]
  - stream: nats://b/x
    since: whenever
    paths: relative/dir
    exec: [a]
  - stream: nats://b/x
    recursive: true
    ignoreOwn: true
    exec: [a]
  - paths: /x
    hosts: a
    durable: d
    exec: [a]
  - stream: nats://b/x
    recipe: backup
    options: { src: a, dest: b }
  - stream: nats://b/x
    publish: true
    exec: [a]
  - stream: nats://b/x
sinks: [nats://b/y]
`);
  const found = problems(bad);
  const expect = [
    /^3:5: watches\[0\].stream: 'http:\/\/broker\/x' cannot be followed \(follow nats:\/\/HOST\/SUBJECT/,
    /^6:5: watches\[1\]\.since: 'whenever' is neither a date nor a duration/,
    /^7:5: watches\[1\]\.paths: a 'stream' watch's paths are the agents' absolute paths/,
    /^10:5: watches\[2\]\.recursive: a 'stream' watch filters by path prefix/,
    /^11:5: watches\[2\]\.ignoreOwn: events from a fleet stream are other hosts' changes/,
    /^14:5: watches\[3\]\.hosts: 'hosts' applies to a watch with 'stream'/,
    /^15:5: watches\[3\]\.durable: 'durable' applies to a watch with 'stream'/,
    /^17:5: watches\[4\].stream: recipe 'backup' watches what its options name: remove 'stream'/,
    /^21:5: watches\[5\]\.publish: a 'stream' watch's events came from the fleet: they are never published again/,
    /^23:5: watches\[6\]: no action: give one of exec, restart, handler, recipe \(a 'stream' watch's events are not published again\)/,
  ];
  assert.equal(found.length, expect.length, found.join('\n'));
  for (const [i, re] of expect.entries()) assert.match(found[i]!, re);
});
