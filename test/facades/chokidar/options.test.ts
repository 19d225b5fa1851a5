/**
 * tswatch/chokidar's options as chokidar's suite checks them (ignored, atomic, awaitWriteFinish,
 * symlinks), and what the core adds: a new tree reported exactly once, a rename's pair on `raw`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, renameSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { RawDetails } from '../../../facades/chokidar/index.js';
import { tmpDir } from '../../helpers/tmp-dir.js';
import { waitFor } from '../../helpers/wait-for.js';
import { count, MODES, record } from './record.js';

function fixture(): string {
  const dir = tmpDir('tswatch-chokidar-');
  writeFileSync(join(dir, 'change.txt'), 'b');
  writeFileSync(join(dir, 'unlink.txt'), 'b');
  return dir;
}

test('a tree made at once is reported exactly once, parents first', async () => {
  const dir = fixture();
  const rec = record(dir, { ignoreInitial: true });
  await rec.ready;
  const made: string[] = [];
  for (let i = 0; i < 20; i++) {
    const sub = join(dir, `t/${i}/a/b`);
    mkdirSync(sub, { recursive: true });
    for (let j = 0; j < 10; j++) writeFileSync(join(sub, `f${j}`), 'x');
    made.push(...Array.from({ length: 10 }, (_, j) => join(sub, `f${j}`)));
  }
  await waitFor(() => made.every((f) => count(rec, 'add', f) > 0), 'every new file added');
  writeFileSync(join(dir, 'fence'), 'x');
  await rec.until('add', join(dir, 'fence'));
  const lines = rec.lines();
  assert.equal(new Set(lines).size, lines.length, 'no event twice');
  for (const f of made) assert.ok(lines.indexOf(`addDir ${dirname(f)}`) < lines.indexOf(`add ${f}`), `${f} after its directory`);
});

test('a rename is unlink + add, and raw carries the pair', async () => {
  const dir = fixture();
  const rec = record(dir, { ignoreInitial: true });
  const raws: Array<[string, string, RawDetails]> = [];
  rec.watcher.on('raw', (event, path, details) => void raws.push([event, path, details]));
  await rec.ready;
  renameSync(join(dir, 'change.txt'), join(dir, 'moved.txt'));
  await rec.until('unlink', join(dir, 'change.txt'));
  await rec.until('add', join(dir, 'moved.txt'));
  const to = raws.find(([event]) => event === 'IN_MOVED_TO');
  assert.ok(to, raws.map(([e, p]) => `${e} ${p}`).join(', '));
  assert.equal(to[1], join(dir, 'moved.txt'));
  assert.equal(to[2].from, join(dir, 'change.txt'));
  assert.equal(count(rec, 'change', join(dir, 'moved.txt')), 0);
});

test('atomic: swap files are ignored; an unlink soon followed by an add is a change', async () => {
  const dir = fixture();
  const rec = record(dir, { ignoreInitial: true, atomic: true });
  await rec.ready;
  for (const swap of ['.change.txt.swp', 'add.txt~', '.subl5f4.tmp']) writeFileSync(join(dir, swap), 'a');
  unlinkSync(join(dir, 'change.txt'));
  writeFileSync(join(dir, 'change.txt'), 'saved');
  await rec.until('change', join(dir, 'change.txt'));
  writeFileSync(join(dir, 'fence'), 'x');
  await rec.until('add', join(dir, 'fence'));
  assert.deepEqual(rec.lines(), [`change ${dir}/change.txt`, `add ${dir}/fence`]);
});

for (const { name, options } of MODES) {
  test(`ignored (${name}): exact paths, RegExps, functions given stats; an ignored directory's contents too`, async () => {
    const dir = fixture();
    mkdirSync(join(dir, 'skip/inner'), { recursive: true });
    writeFileSync(join(dir, 'skip/inner/x.txt'), 'x');
    mkdirSync(join(dir, 'keep/dirs-ignored'), { recursive: true });
    writeFileSync(join(dir, 'keep/f.txt'), 'x');
    writeFileSync(join(dir, 'add-me-not.txt'), 'x');
    const keep = join(dir, 'keep');
    const rec = record(dir, {
      ...options,
      ignored: [join(dir, 'skip'), /me-not/, (path, stats) => path !== keep && path.startsWith(keep) && stats?.isDirectory() === true],
    });
    await rec.ready;
    assert.deepEqual(rec.lines().sort(), [
      `add ${dir}/change.txt`,
      `add ${dir}/keep/f.txt`,
      `add ${dir}/unlink.txt`,
      `addDir ${dir}`,
      `addDir ${dir}/keep`,
    ]);
    writeFileSync(join(dir, 'skip/inner/x.txt'), 'y');
    writeFileSync(join(dir, 'change.txt'), 'y');
    await rec.until('change', join(dir, 'change.txt'));
    assert.equal(count(rec, 'change', join(dir, 'skip/inner/x.txt')), 0);
  });

  test(`awaitWriteFinish (${name}): add held until the size is stable, with the final stats`, async () => {
    const dir = fixture();
    const rec = record(dir, { ...options, ignoreInitial: true, awaitWriteFinish: { stabilityThreshold: 300, pollInterval: 50 } });
    await rec.ready;
    const file = join(dir, 'add.txt');
    writeFileSync(file, 'hello ');
    const started = Date.now();
    appendFileSync(file, 'world!');
    await rec.until('add', file);
    assert.ok(Date.now() - started >= 300, 'not before the threshold');
    assert.equal(rec.seen.find((s) => s.path === file)!.stats!.size, 12);
    assert.deepEqual(record(dir, { awaitWriteFinish: true }).watcher.options.awaitWriteFinish, {
      stabilityThreshold: 2000,
      pollInterval: 100,
    });
  });

  test(`awaitWriteFinish (${name}): a file deleted before it settled is never reported`, async () => {
    const dir = fixture();
    // A 1 ms poll makes the stat that finds the file gone race the unlink event, as a loaded machine does.
    const rec = record(dir, {
      ...options,
      atomic: true,
      ignoreInitial: true,
      awaitWriteFinish: { stabilityThreshold: 300, pollInterval: 1 },
    });
    const raws: string[] = [];
    rec.watcher.on('raw', (event, path) => void raws.push(`${event} ${path}`));
    await rec.ready;
    const file = join(dir, 'add.txt');
    writeFileSync(file, 'hello');
    await waitFor(() => raws.some((r) => r.startsWith('IN_CREATE') && r.endsWith(file)), 'the create');
    unlinkSync(file);
    await waitFor(() => raws.some((r) => r.startsWith('IN_DELETE') && r.endsWith(file)), 'the delete');
    // The fence is itself held for 300 ms, longer than atomic's 100 ms wait for a re-add.
    writeFileSync(join(dir, 'fence'), 'x');
    await rec.until('add', join(dir, 'fence'));
    assert.deepEqual(rec.lines(), [`add ${dir}/fence`]);
  });

  test(`symlinks (${name}): followed under the link's name, or kept as files with followSymlinks: false`, async () => {
    const dir = fixture();
    mkdirSync(join(dir, 'subdir'));
    writeFileSync(join(dir, 'subdir/add.txt'), 'b');
    const rec = record(dir, { ...options, ignoreInitial: true });
    await rec.ready;
    symlinkSync(join(dir, 'subdir'), join(dir, 'link'));
    await rec.until('addDir', join(dir, 'link'));
    await rec.until('add', join(dir, 'link/add.txt'));
    writeFileSync(join(dir, 'subdir/add.txt'), 'changed');
    await rec.until('change', join(dir, 'link/add.txt'));
    await rec.until('change', join(dir, 'subdir/add.txt'));

    const flat = record(dir, { ...options, followSymlinks: false });
    await flat.ready;
    assert.ok(flat.lines().includes(`add ${dir}/link`), flat.lines().join(', '));
    assert.ok(!flat.lines().some((l) => l.includes('link/')), flat.lines().join(', '));
  });
}

test('a link to a directory holding it is an error before ready, and is not followed', async () => {
  const dir = fixture();
  mkdirSync(join(dir, 'subdir'));
  symlinkSync(dir, join(dir, 'subdir/circular'));
  const rec = record(dir);
  let readyFirst = false;
  rec.watcher.on('ready', () => {
    readyFirst ||= rec.errors.length === 0;
  });
  await rec.ready;
  assert.equal(readyFirst, false);
  assert.match(String((rec.errors[0] as Error).message), /ELOOP/);
  assert.ok(!rec.lines().some((l) => l.includes('circular/')));
});

test('a closed watcher lets the process exit', () => {
  const dir = fixture();
  const facade = resolve(dirname(fileURLToPath(import.meta.url)), '../../../facades/chokidar/index.js');
  const script = `import { watch } from ${JSON.stringify(facade)};
    const w = watch(${JSON.stringify(dir)}); w.on('ready', () => { w.close(); process.stdout.write('closed'); });`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { timeout: 10_000, encoding: 'utf8' });
  assert.equal(out, 'closed');
});
