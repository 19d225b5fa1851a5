import { tmpdir } from 'node:os';
import { realpathSync } from 'node:fs';
import { AutoBackend } from '../../src/backends/auto.js';
import { InotifyBackend } from '../../src/backends/inotify.js';
import { PollBackend } from '../../src/backends/poll.js';
import { conformance } from './suite.js';

// The temp directory passed off as an NFS mount: every watch is routed through the auto backend to
// polling, wds translated both ways.
const nfs = [
  { mountPoint: '/', fsType: 'ext4', source: '/dev/sda1' },
  { mountPoint: realpathSync(tmpdir()), fsType: 'nfs4', source: 'server:/export' },
];
conformance(
  'auto (polled mount)',
  () =>
    new AutoBackend({
      local: () => new InotifyBackend(),
      remote: () => new PollBackend({ interval: 50 }),
      mounts: () => nfs,
      notice: () => {},
    }),
);
