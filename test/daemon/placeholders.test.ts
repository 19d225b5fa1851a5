import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commandTemplate, eventEnv, shellTemplate } from '../../daemon/placeholders.js';
import { Event, IN_CLOSE_WRITE, IN_CREATE, IN_DELETE_SELF, IN_ISDIR, IN_MOVED_FROM, IN_MOVED_TO } from '../../src/index.js';

test('each placeholder is one argument, text around it kept, unknown {words} left alone', () => {
  const event = new Event({ wd: 1, mask: IN_CLOSE_WRITE, name: "$(rm -rf ~); it's", path: '/w' });
  const argv = commandTemplate(['cp', '--', '{path}', '/backup/{name}.bak', '{event}', "awk '{print}'", '{isdir}'], {
    batch: false,
  }).forEvent(event);
  assert.deepEqual(argv, ['cp', '--', "/w/$(rm -rf ~); it's", "/backup/$(rm -rf ~); it's.bak", 'CLOSE_WRITE,CLOSE', "awk '{print}'", '0']);
});

test('moves: {src} and {dest}; directories: {isdir}; the watched path itself: {dir} and {name} from it', () => {
  const to = new Event({ wd: 1, mask: IN_MOVED_TO | IN_ISDIR, cookie: 7, name: 'new', path: '/w', src_pathname: '/w/old' });
  assert.deepEqual(commandTemplate(['{src}', '{dest}', '{cookie}', '{isdir}', '{event}'], { batch: false }).forEvent(to), [
    '/w/old',
    '/w/new',
    '7',
    '1',
    'MOVED_TO',
  ]);
  const from = new Event({ wd: 1, mask: IN_MOVED_FROM, cookie: 7, name: 'old', path: '/w' });
  assert.deepEqual(commandTemplate(['{src}', '{dest}'], { batch: false }).forEvent(from), ['/w/old', '']);
  const self = new Event({ wd: 1, mask: IN_DELETE_SELF, path: '/w/sub', dir: true });
  assert.deepEqual(commandTemplate(['{dir}', '{name}', '{path}'], { batch: false }).forEvent(self), ['/w', 'sub', '/w/sub']);
  assert.equal(eventEnv(new Event({ wd: 1, mask: IN_CREATE, name: 'a\nb', path: '/w' })).TSWATCH_PATH, '/w/a\nb');
});

test('batch: {paths} becomes one argument per path; misuse is refused with the way out', () => {
  assert.deepEqual(commandTemplate(['rsync', '-a', '{paths}', 'dest/'], { batch: true }).forBatch(['/a b', '-x']), [
    'rsync',
    '-a',
    '/a b',
    '-x',
    'dest/',
  ]);
  assert.throws(() => commandTemplate(['echo', '{path}'], { batch: true }), /per-event placeholders cannot be used with --batch/);
  assert.throws(() => commandTemplate(['echo', '{paths}'], { batch: false }), /\{paths\} is only filled in --batch mode/);
  assert.throws(() => commandTemplate(['echo', 'x{paths}'], { batch: true }), /\{paths\} must be a whole argument/);
  assert.throws(() => commandTemplate([], { batch: false }), /no command given/);
});

test('--shell: the script verbatim, the values as positional parameters', () => {
  const event = new Event({ wd: 1, mask: IN_CREATE, name: '`id`', path: '/w' });
  assert.deepEqual(shellTemplate(['echo', '"$1"'], { batch: false }).forEvent(event), ['/bin/sh', '-c', 'echo "$1"', 'tswatch', '/w/`id`']);
  assert.deepEqual(shellTemplate(['ls "$@"'], { batch: true }).forBatch(['/a', '/b']), ['/bin/sh', '-c', 'ls "$@"', 'tswatch', '/a', '/b']);
  assert.throws(() => shellTemplate(['rm {path}'], { batch: false }), /placeholders are not substituted into --shell scripts/);
});

test('{host} and TSWATCH_HOST: the origin host of a fleet event (one literal argument), this host for a local one', async () => {
  const { hostname } = await import('node:os');
  const template = commandTemplate(['echo', '{host}', 'on-{host}'], { batch: false });
  const local = new Event({ wd: 1, mask: IN_CREATE, name: 'f', path: '/w' });
  assert.deepEqual(template.forEvent(local), ['echo', hostname(), `on-${hostname()}`]);
  const evil = '$(touch /tmp/pwned);x\ny';
  const remote = new Event({ wd: 1, mask: IN_CREATE, name: 'f', path: '/w', host: evil });
  assert.deepEqual(template.forEvent(remote), ['echo', evil, `on-${evil}`]);
  assert.equal(eventEnv(remote).TSWATCH_HOST, evil);
  assert.equal(eventEnv(local).TSWATCH_HOST, hostname());
});
