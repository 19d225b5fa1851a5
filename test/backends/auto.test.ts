import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { AutoBackend } from '../../src/backends/auto.js';
import { InotifyBackend } from '../../src/backends/inotify.js';
import { PollBackend } from '../../src/backends/poll.js';
import { ALL_EVENTS, IN_CREATE, IN_MOVED_TO, IN_OPEN, type Event, Notifier, WatchManager } from '../../src/index.js';
import { tmpDir } from '../helpers/tmp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

function watched(t: { after(fn: () => void): void }, backend: AutoBackend, paths: string[]) {
  const wm = new WatchManager({ backend });
  const events: Event[] = [];
  const notifier = new Notifier(wm, (e) => void events.push(e));
  const wdd = wm.addWatch(paths, ALL_EVENTS, { rec: true, autoAdd: true, quiet: false });
  notifier.start();
  t.after(() => notifier.stop());
  return {
    wm,
    wdd,
    events,
    notifier,
    until: (pathname: string, mask = IN_CREATE) =>
      waitFor(() => events.some((e) => e.mask & mask && e.pathname === pathname), pathname, 20_000),
  };
}

test('auto routes a path on a network mount to polling and the rest to inotify, each told once', async (t) => {
  const local = realpathSync(tmpDir());
  const remote = realpathSync(tmpDir());
  mkdirSync(join(remote, 'sub'));
  const notices: string[] = [];
  const mounts = [
    { mountPoint: '/', fsType: 'ext4', source: '/dev/sda1' },
    { mountPoint: remote, fsType: 'nfs4', source: 'server:/export' },
  ];
  const backend = new AutoBackend({
    local: () => new InotifyBackend(),
    remote: () => new PollBackend({ interval: 50 }),
    mounts: () => mounts,
    notice: (m) => notices.push(m),
  });
  const w = watched(t, backend, [local, remote]);
  assert.equal(notices.length, 1, 'one notice for the mount, not one per directory');
  assert.match(notices[0]!, /nfs4 mount \(server:\/export\).*poll backend/);
  const wds = Object.values(w.wdd);
  assert.equal(new Set(wds).size, 3, 'distinct wds across the inner backends');
  assert.ok(backend.supportedMaskOf(w.wdd[local]!) & IN_MOVED_TO);
  assert.equal(backend.supportedMaskOf(w.wdd[remote]!) & (IN_MOVED_TO | IN_OPEN), 0);
  await w.notifier.ready();
  writeFileSync(join(local, 'l'), '');
  writeFileSync(join(remote, 'sub', 'r'), '');
  await w.until(join(local, 'l'));
  await w.until(join(remote, 'sub', 'r'));
});

// A real FUSE mount where inotify is blind: bindfs shows a directory whose changes, made behind the
// mount's back, only polling can see. Needs /dev/fuse and the bindfs package (.ci/run installs it).
const bindfs = spawnSync('bindfs', ['--version']).status === 0;
test('a real FUSE mount (bindfs): auto polls it and sees changes inotify cannot', {
  skip: !bindfs && 'bindfs not installed',
}, async (t) => {
  const src = realpathSync(tmpDir());
  const mnt = realpathSync(tmpDir());
  try {
    execFileSync('bindfs', [src, mnt], { stdio: 'pipe' });
  } catch (err) {
    return t.skip(`bindfs cannot mount here: ${(err as Error).message.split('\n')[0]}`);
  }
  const blind = new InotifyBackend();
  let stop = () => {};
  try {
    const notices: string[] = [];
    const inotify = new InotifyBackend();
    const backend = new AutoBackend({
      local: () => inotify,
      remote: () => new PollBackend({ interval: 50 }),
      notice: (m) => notices.push(m),
    });
    const w = watched(t, backend, [mnt]);
    stop = () => w.notifier.stop();
    assert.match(notices.join(), /fuse mount/);
    await w.notifier.ready();
    // Plain inotify on the same mount, for contrast.
    const seen: string[] = [];
    blind.start(
      (batch) => seen.push(...batch.map((e) => e.name)),
      () => {},
    );
    blind.addWatch(mnt, ALL_EVENTS);
    writeFileSync(join(src, 'behind-its-back'), 'x');
    await w.until(join(mnt, 'behind-its-back'));
    writeFileSync(join(mnt, 'through-the-mount'), 'x');
    await w.until(join(mnt, 'through-the-mount'));
    await waitFor(() => seen.includes('through-the-mount'), 'inotify sees writes through the mount');
    assert.ok(!seen.includes('behind-its-back'), 'inotify alone never saw the change made behind the mount');
  } finally {
    // Here, not in an after hook: the temp directories go in theirs, and a mounted one cannot.
    stop();
    blind.close();
    spawnSync('umount', ['-l', mnt]);
  }
});
