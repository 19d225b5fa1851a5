/** --versions: earlier copies kept under DEST/.tswatch-versions, pruned, restored. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { listVersions, restoreVersion, Versions, versionTime } from '../../../recipes/backup/index.js';
import { backupDirs, startBackup, until } from './backup-fixture.js';

const contents = (paths: readonly { path: string }[]): string[] => paths.map((v) => readFileSync(v.path, 'utf8'));

test('overwrites and deletes keep the previous copy, pruned to N, and restore puts one back', async () => {
  const { src, dest } = backupDirs();
  writeFileSync(join(src, 'f'), 'v1');
  const { settle, errors } = await startBackup(src, dest, { versions: 2 });
  for (const v of ['v2', 'v3', 'v4']) {
    writeFileSync(join(src, 'f'), v);
    await until(() => readFileSync(join(dest, 'f'), 'utf8') === v, `DEST/f = ${v}`);
  }
  await settle();
  const kept = await listVersions(join(dest, 'f'));
  assert.deepEqual(contents(kept), ['v2', 'v3'], 'the two newest previous copies, oldest first');
  assert.match(kept[0]!.name, /^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z(-\d+)?$/);
  assert.equal(kept[0]!.path, join(dest, '.tswatch-versions', 'f', kept[0]!.name));

  unlinkSync(join(src, 'f'));
  await until(() => !existsSync(join(dest, 'f')), 'DEST/f deleted');
  assert.deepEqual(contents(await listVersions(join(dest, 'f'))), ['v3', 'v4'], 'the deleted copy is kept');

  const restored = await restoreVersion(join(dest, 'f'));
  assert.equal(readFileSync(join(dest, 'f'), 'utf8'), 'v4');
  assert.equal(restored.version?.name, (await listVersions(join(dest, 'f'))).at(-1)!.name);
  const older = (await listVersions(join(dest, 'f')))[0]!;
  const elsewhere = join(src, '..', 'restored-f');
  await restoreVersion(join(dest, 'f'), { at: older.time, to: elsewhere });
  assert.equal(readFileSync(elsewhere, 'utf8'), 'v3', "--at a version's own name gives that version (what the file held until then)");
  await assert.rejects(
    restoreVersion(join(dest, 'f'), { at: new Date('2000-01-01') }),
    /no kept copy of .* holds what it held at 2000-01-01/,
  );
  assert.deepEqual(errors, []);
});

test('a deleted directory keeps every file in it; a symlink is kept as a symlink', async () => {
  const { src, dest } = backupDirs();
  mkdirSync(join(src, 'dir/sub'), { recursive: true });
  writeFileSync(join(src, 'dir/one'), '1');
  writeFileSync(join(src, 'dir/sub/two'), '2');
  symlinkSync('dir/one', join(src, 'ln'));
  const { settle } = await startBackup(src, dest, { versions: 3 });
  rmSync(join(src, 'dir'), { recursive: true });
  unlinkSync(join(src, 'ln'));
  symlinkSync('elsewhere', join(src, 'ln'));
  await settle();
  assert.equal(existsSync(join(dest, 'dir')), false);
  assert.deepEqual(contents(await listVersions(join(dest, 'dir/one'))), ['1']);
  assert.deepEqual(contents(await listVersions(join(dest, 'dir/sub/two'))), ['2']);
  const [link] = await listVersions(join(dest, 'ln'));
  assert.equal(readlinkSync(link!.path), 'dir/one');
  assert.equal(readlinkSync(join(dest, 'ln')), 'elsewhere');
});

test('versions of one millisecond get distinct names and the layout is one directory per path', async () => {
  const { dest } = backupDirs();
  const versions = new Versions(dest, 10);
  mkdirSync(join(dest, 'd'), { recursive: true });
  const kept: string[] = [];
  for (let i = 0; i < 5; i++) {
    rmSync(join(dest, 'd/x'), { force: true }); // DEST files are replaced, never rewritten in place
    writeFileSync(join(dest, 'd/x'), String(i));
    kept.push((await versions.keep('d/x', 'link'))!);
  }
  assert.equal(new Set(kept).size, 5);
  assert.deepEqual(contents(await versions.list('d/x')), ['0', '1', '2', '3', '4']);
  assert.equal(versionTime('2026-11-26T01-02-03.456Z')?.toISOString(), '2026-11-26T01:02:03.456Z');
  assert.equal(versionTime('not-a-version'), undefined);
});
