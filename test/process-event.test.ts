import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  ChainIfTrue,
  Event,
  IN_CLOSE_NOWRITE,
  IN_CLOSE_WRITE,
  IN_CREATE,
  IN_DELETE_SELF,
  IN_ISDIR,
  IN_MOVED_FROM,
  IN_MOVED_TO,
  IN_Q_OVERFLOW,
  PrintAllEvents,
  ProcessEvent,
  Stats,
} from '../src/index.js';

const ev = (mask: number, name = 'f', extra: Partial<ConstructorParameters<typeof Event>[0]> = {}) =>
  new Event({ wd: 1, mask, name, path: '/w', ...extra });

class Recorder extends ProcessEvent {
  calls: string[] = [];
  override process_IN_CLOSE_WRITE(e: Event) {
    this.calls.push(`exact ${e.maskname}`);
  }
  override process_IN_CLOSE(e: Event) {
    this.calls.push(`family ${e.maskname}`);
  }
  override process_IN_MOVED(e: Event) {
    this.calls.push(`family ${e.maskname}`);
  }
  override process_default(e: Event) {
    this.calls.push(`default ${e.maskname}`);
  }
}

test('dispatch: exact hook, then the family hook, then process_default', () => {
  const r = new Recorder();
  for (const mask of [IN_CLOSE_WRITE, IN_CLOSE_NOWRITE, IN_MOVED_FROM, IN_MOVED_TO, IN_CREATE | IN_ISDIR, IN_DELETE_SELF]) r.call(ev(mask));
  assert.deepEqual(r.calls, [
    'exact IN_CLOSE_WRITE',
    'family IN_CLOSE_NOWRITE',
    'family IN_MOVED_FROM',
    'family IN_MOVED_TO',
    'default IN_CREATE|IN_ISDIR',
    'default IN_DELETE_SELF',
  ]);
});

test('pevent chaining: ChainIfTrue stops the chain when its function is false', () => {
  const r = new Recorder({ pevent: new ChainIfTrue((e) => e.name !== 'skip') });
  r.call(ev(IN_CREATE, 'keep'));
  r.call(ev(IN_CREATE, 'skip'));
  assert.deepEqual(r.calls, ['default IN_CREATE']);
  assert.ok(r.nested_pevent() instanceof ChainIfTrue);
});

test("Event: pyinotify's repr and fields; JSON carries src_pathname and synthetic", () => {
  const moved = ev(IN_MOVED_TO, 'new', { cookie: 42, src_pathname: '/w/old' });
  assert.equal(
    String(moved),
    '<Event cookie=42 dir=False mask=0x80 maskname=IN_MOVED_TO name=new path=/w pathname=/w/new src_pathname=/w/old wd=1 >',
  );
  assert.equal(
    String(new Event({ wd: -1, mask: IN_Q_OVERFLOW, path: '' })),
    "<Event dir=False mask=0x4000 maskname=IN_Q_OVERFLOW name='' path='' pathname='' wd=-1 >",
  );
  const self = ev(IN_DELETE_SELF, '');
  assert.equal(self.pathname, '/w');
  assert.deepEqual(JSON.parse(JSON.stringify(ev(IN_CREATE | IN_ISDIR, 'd', { synthetic: true }))), {
    wd: 1,
    mask: IN_CREATE | IN_ISDIR,
    maskname: 'IN_CREATE|IN_ISDIR',
    cookie: 0,
    name: 'd',
    path: '/w',
    pathname: '/w/d',
    dir: true,
    synthetic: true,
  });
  assert.equal(JSON.parse(JSON.stringify(moved)).src_pathname, '/w/old');
});

test('PrintAllEvents writes one repr per line', () => {
  let out = '';
  const p = new PrintAllEvents({ out: { write: (s: string) => (out += s) } });
  p.call(ev(IN_CREATE, 'a'));
  p.call(ev(IN_CLOSE_WRITE, 'a'));
  assert.equal(out.split('\n').length, 3);
  assert.match(out, /^<Event dir=False mask=0x100 maskname=IN_CREATE name=a /);
});

test('Stats counts by mask name, draws bars and dumps without overwriting', () => {
  const stats = new Stats();
  stats.call(ev(IN_CREATE));
  stats.call(ev(IN_CREATE | IN_ISDIR));
  stats.call(ev(IN_CLOSE_WRITE));
  assert.deepEqual(stats.stats, { IN_CLOSE_WRITE: 1, IN_CREATE: 2, IN_ISDIR: 1 });
  assert.match(stats.repr(), /^<Stats ElapsedTime=\dsec IN_CLOSE_WRITE=1 IN_CREATE=2 IN_ISDIR=1 >$/);
  const lines = stats.toString().split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[1]!, /^IN_CREATE {17}@{45} 2$/);
  const dir = mkdtempSync(join(tmpdir(), 'tswatch-stats-'));
  try {
    stats.dump(join(dir, 'stats.txt'));
    assert.equal(readFileSync(join(dir, 'stats.txt'), 'utf8'), stats.toString());
    assert.throws(() => stats.dump(join(dir, 'stats.txt')), /EEXIST/);
  } finally {
    rmSync(dir, { recursive: true });
  }
});
