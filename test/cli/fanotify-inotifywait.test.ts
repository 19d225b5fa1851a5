import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fanotifyProblem } from '../../src/backends/fanotify-support.js';
import { sideBySide } from '../helpers/inotifywait-side-by-side.js';

// inotifywait's own output is the reference: on fanotify tswatch prints the same lines. Open, access and
// close-nowrite are left out: another watcher's directory reads show up there, and fanotify merges them.
const EVENTS = ['-m', '-r', '-e', 'create,delete,moved_from,moved_to,move_self,delete_self,modify,attrib,close_write'];

test('--backend fanotify prints what inotifywait prints: files, a directory moved and renamed, deletes', {
  skip: fanotifyProblem()?.reason,
}, async () => {
  // Directories are made before the watchers start: one made and used at once races every watcher's
  // auto-add differently (and fanotify keeps what inotify loses there: test/backends/fanotify.test.ts).
  const tree = (dir: string): string[] => {
    mkdirSync(join(dir, 'sub', 'deep'), { recursive: true });
    writeFileSync(join(dir, 'sub', 'deep', 'old'), '');
    return [dir];
  };
  const { ours, theirs } = await sideBySide(
    EVENTS,
    (dir) => {
      writeFileSync(join(dir, 'a'), 'x');
      renameSync(join(dir, 'a'), join(dir, 'b'));
      chmodSync(join(dir, 'sub'), 0o700);
      appendFileSync(join(dir, 'sub', 'deep', 'old'), 'y');
      renameSync(join(dir, 'sub', 'deep'), join(dir, 'moved'));
      renameSync(join(dir, 'moved', 'old'), join(dir, 'sub', 'new'));
      rmSync(join(dir, 'moved'), { recursive: true });
      rmSync(join(dir, 'b'));
    },
    { ours: ['--backend', 'fanotify'], paths: tree },
  );
  assert.equal(ours.toString(), theirs.toString());
});
