import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DirCreatedEvent,
  DirModifiedEvent,
  FileClosedEvent,
  FileCreatedEvent,
  FileDeletedEvent,
  FileMovedEvent,
  type FileSystemEvent,
  LoggingEventHandler,
  PatternMatchingEventHandler,
  type PatternMatchingOptions,
  RegexMatchingEventHandler,
  type RegexMatchingOptions,
  TswatchError,
} from '../../src/index.js';

function passed<T extends PatternMatchingEventHandler | RegexMatchingEventHandler>(handler: T, events: FileSystemEvent[]): string[] {
  const seen: string[] = [];
  handler.on_any_event = (e) => void seen.push(`${e.event_type} ${e.src_path}`);
  for (const e of events) handler.dispatch(e);
  return seen;
}

const pattern = (o: PatternMatchingOptions) => new PatternMatchingEventHandler(o);
const regex = (o: RegexMatchingOptions) => new RegexMatchingEventHandler(o);

test('patterns match as PurePath.match: from the right, * within one component, case-insensitive by default', () => {
  const events = [
    new FileCreatedEvent('/src/app/main.py'),
    new FileCreatedEvent('/src/app/README.md'),
    new FileCreatedEvent('/src/app/.hidden.py'),
    new FileCreatedEvent('/src/lib/x.PY'),
    new DirCreatedEvent('/src/app/pkg.py'),
  ];
  assert.deepEqual(passed(pattern({ patterns: ['*.py'] }), events), [
    'created /src/app/main.py',
    'created /src/app/.hidden.py',
    'created /src/lib/x.PY',
    'created /src/app/pkg.py',
  ]);
  assert.deepEqual(passed(pattern({ patterns: ['*.py'], case_sensitive: true, ignore_directories: true }), events), [
    'created /src/app/main.py',
    'created /src/app/.hidden.py',
  ]);
  assert.deepEqual(passed(pattern({ patterns: ['app/*.py'], ignore_patterns: ['.*'] }), events), [
    'created /src/app/main.py',
    'created /src/app/pkg.py',
  ]);
  assert.deepEqual(passed(pattern({ patterns: ['/src/lib/*'] }), events), ['created /src/lib/x.PY']);
  assert.equal(passed(pattern({}), events).length, events.length, 'no patterns: everything');
});

test('a move passes when either path matches', () => {
  const moves = [new FileMovedEvent('/d/a.tmp', '/d/a.txt'), new FileMovedEvent('/d/b.txt', '/d/b.bak')];
  assert.equal(passed(pattern({ patterns: ['*.txt'] }), moves).length, 2);
  // watchdog's match_any_paths: one selected path is enough, even if the other is ignored.
  assert.equal(passed(pattern({ patterns: ['*.txt'], ignore_patterns: ['*.tmp'] }), moves).length, 2);
  assert.equal(passed(pattern({ patterns: ['*.md'] }), moves).length, 0);
});

test('a pattern both included and ignored is a clear error', () => {
  assert.throws(
    () => pattern({ patterns: ['*.py'], ignore_patterns: ['*.py'] }),
    (e: unknown) => e instanceof TswatchError && /both included and ignored: \*\.py/.test(e.message),
  );
});

test('regexes match at the start of the path, as re.match', () => {
  const events = [
    new FileCreatedEvent('/var/log/app.log'),
    new FileCreatedEvent('/var/log/APP.LOG.1'),
    new DirCreatedEvent('/var/log/old'),
  ];
  assert.deepEqual(passed(regex({ regexes: ['.*\\.log$'] }), events), ['created /var/log/app.log']);
  assert.deepEqual(passed(regex({ regexes: ['log'] }), events), [], 'not a search: anchored at the start');
  assert.deepEqual(passed(regex({ regexes: ['/var/log/app'] }), events), ['created /var/log/app.log', 'created /var/log/APP.LOG.1']);
  assert.deepEqual(passed(regex({ regexes: ['/var/log/app'], case_sensitive: true }), events), ['created /var/log/app.log']);
  assert.deepEqual(passed(regex({ ignore_regexes: [/.*\.1$/], ignore_directories: true }), events), ['created /var/log/app.log']);
  assert.throws(() => regex({ regexes: ['('] }), /invalid regular expression '\('/);
});

test("LoggingEventHandler logs in watchdog's words", () => {
  const lines: string[] = [];
  const handler = new LoggingEventHandler({ logger: { info: (m) => lines.push(m) } });
  for (const e of [
    new FileCreatedEvent('/a'),
    new DirModifiedEvent('/d'),
    new FileMovedEvent('/a', '/b'),
    new FileDeletedEvent('/b'),
    new FileClosedEvent('/c'),
  ]) {
    handler.dispatch(e);
  }
  assert.deepEqual(lines, [
    'Created file: /a',
    'Modified directory: /d',
    'Moved file: from /a to /b',
    'Deleted file: /b',
    'Closed modified file: /c',
  ]);
});
