import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isRemoteFs, mountOf, parseMountinfo, readMounts } from '../../src/backends/mount-table.js';

// Lines as the kernel writes them (proc(5)), one per kind of mount tswatch must tell apart.
const SAMPLE = `22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro
25 22 0:23 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw
40 22 0:35 / /home/nfs rw,relatime shared:20 - nfs4 server:/export/home rw,vers=4.2,rsize=1048576
41 22 0:36 / /mnt/share rw,relatime - cifs //nas/share rw,vers=3.1.1
42 22 0:37 / /mnt/smb rw,relatime - smb3 //nas/smb rw
43 22 0:38 / /media/remote\\040box rw,nosuid,nodev,relatime - fuse.sshfs user@box:/srv rw,user_id=1000
44 22 0:39 / /mnt/host rw,relatime - 9p hostshare rw,trans=virtio
45 22 8:17 / /mnt/usb rw,relatime - fuseblk /dev/sdb1 rw,user_id=0
46 40 0:40 / /home/nfs/local rw,relatime - ext4 /dev/sdc1 rw
47 22 0:41 / /tmp/bind rw,nosuid,nodev,relatime - fuse /tmp/src rw,user_id=0,group_id=0
garbage line without a separator`;

test('mountinfo lines parse into mount point, type and source; octal escapes undone', () => {
  const mounts = parseMountinfo(SAMPLE);
  assert.equal(mounts.length, 10);
  assert.deepEqual(mounts[2], { mountPoint: '/home/nfs', fsType: 'nfs4', source: 'server:/export/home' });
  assert.equal(mounts[5]!.mountPoint, '/media/remote box');
  assert.equal(mounts[5]!.fsType, 'fuse.sshfs');
});

test('a path belongs to the longest mount point containing it, not a name prefix', () => {
  const mounts = parseMountinfo(SAMPLE);
  assert.equal(mountOf('/home/nfs/user/file', mounts)!.fsType, 'nfs4');
  assert.equal(mountOf('/home/nfs', mounts)!.fsType, 'nfs4');
  assert.equal(mountOf('/home/nfs/local/x', mounts)!.fsType, 'ext4', 'a local disk mounted inside the NFS tree');
  assert.equal(mountOf('/home/nfsother', mounts)!.mountPoint, '/', 'a sibling whose name starts the same');
  assert.equal(mountOf('/media/remote box/docs', mounts)!.fsType, 'fuse.sshfs');
});

test('network, FUSE and VM shares need polling; local disks and fuseblk do not', () => {
  for (const type of ['nfs', 'nfs4', 'cifs', 'smb3', 'fuse.sshfs', '9p', 'fuse', 'fuse.rclone', 'virtiofs', 'ceph']) {
    assert.ok(isRemoteFs(type), type);
  }
  for (const type of ['ext4', 'xfs', 'btrfs', 'tmpfs', 'overlay', 'fuseblk', 'proc']) assert.ok(!isRemoteFs(type), type);
});

test("this machine's mount table reads, and / is in it", () => {
  const mounts = readMounts();
  assert.ok(mounts.length > 0);
  assert.ok(mountOf('/', mounts));
});
