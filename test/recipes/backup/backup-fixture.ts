import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after } from 'node:test';
import { type BackupAction, isTempName, LiveBackup, type LiveBackupOptions } from '../../../recipes/backup/index.js';
import type { TswatchError } from '../../../src/index.js';
import { tmpDir } from '../../helpers/tmp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';

/** A fresh SRC (created) and DEST (not yet) side by side in a temp dir. */
export function backupDirs(): { src: string; dest: string } {
  const root = tmpDir('tswatch-backup-');
  const src = join(root, 'src');
  mkdirSync(src);
  return { src, dest: join(root, 'dest') };
}

let markers = 0;

/** A LiveBackup on real inotify, started (initial sync done), recording its actions and errors. */
export async function startBackup(src: string, dest: string, options: LiveBackupOptions = {}) {
  const backup = new LiveBackup(src, dest, options);
  const actions: BackupAction[] = [];
  const errors: TswatchError[] = [];
  backup.on('action', (a: BackupAction) => actions.push(a));
  backup.on('error', (err: TswatchError) => errors.push(err));
  after(() => backup.stop());
  const summary = await backup.start();
  return {
    backup,
    actions,
    errors,
    summary,
    /**
     * Everything SRC did before this call has reached DEST: inotify keeps order on one fd, so once a
     * marker written now is in DEST the earlier events were queued, and idle() waits for their jobs.
     */
    async settle(): Promise<void> {
      const name = `.settle-${markers++}`;
      writeFileSync(join(src, name), '');
      await waitFor(() => existsSync(join(dest, name)), `marker ${name} in DEST`, 30_000);
      await backup.idle();
    },
  };
}

/** `diff -r` finds no difference (symlinks compared as links; kept versions aside). */
export function assertSameTree(src: string, dest: string): void {
  const diff = spawnSync('diff', ['-r', '--no-dereference', '-x', '.tswatch-versions', '-x', '.tswatch-manifest', src, dest], {
    encoding: 'utf8',
  });
  assert.equal(diff.status, 0, `diff -r ${src} ${dest}:\n${diff.stdout}${diff.stderr}`);
}

/** Every path under `dir`, relative, never through a symlink (readdir's own recursion may follow them). */
export function walk(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const d of readdirSync(join(dir, rel), { withFileTypes: true })) {
    const path = rel === '' ? d.name : `${rel}/${d.name}`;
    out.push(path);
    if (d.isDirectory()) out.push(...walk(dir, path));
  }
  return out;
}

/** Temp files anywhere under `dir`. */
export function tempFiles(dir: string): string[] {
  return walk(dir).filter((p) => isTempName(p.split('/').pop()!));
}

export const until = (condition: () => unknown, what: string): Promise<unknown> => waitFor(condition, what, 30_000);
